"""Validators of the official schemas, offline: IATI 2.03 with lxml, OCDS 1.1 with jsonschema (tests/vendor)."""
import json
from functools import lru_cache
from pathlib import Path

import jsonschema
import referencing
import referencing.jsonschema
from lxml import etree

VENDOR = Path(__file__).resolve().parent / "vendor"


@lru_cache(maxsize=1)
def iati_schema():
    return etree.XMLSchema(etree.parse(str(VENDOR / "iati" / "iati-activities-schema.xsd")))


def assert_valid_iati(body):
    doc = etree.fromstring(body)
    schema = iati_schema()
    assert schema.validate(doc), "\n".join(str(e) for e in list(schema.error_log)[:10])
    return doc


@lru_cache(maxsize=1)
def ocds_validator():
    package = json.loads((VENDOR / "ocds" / "release-package-schema.json").read_text())
    release = json.loads((VENDOR / "ocds" / "dereferenced-release-schema.json").read_text())
    resource = referencing.Resource.from_contents(release, default_specification=referencing.jsonschema.DRAFT4)
    registry = referencing.Registry().with_resource(package["properties"]["releases"]["items"]["$ref"], resource)
    return jsonschema.Draft4Validator(package, registry=registry, format_checker=jsonschema.FormatChecker())


def assert_valid_ocds(body):
    package = json.loads(body)
    errors = list(ocds_validator().iter_errors(package))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:300]}" for e in errors[:10])
    return package
