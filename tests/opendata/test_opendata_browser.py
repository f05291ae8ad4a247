"""Tried as a new user would, on a 360 px phone: from the portal to the open-data page, each file downloads."""
from lxml import etree

from tests.opendata_support import assert_valid_iati
from tests.reports_support import world  # noqa: F401


def test_the_open_data_page_downloads_each_file_on_a_phone(db, world, phone):
    phone.goto("/portal")
    phone.click("#open-data-link")
    phone.wait_for_url("**/open-data")
    assert phone.locator("h1").inner_text() == "Datos abiertos"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    files = {}
    for link in ("#dl-iati", "#dl-ocds", "#dl-alliances", "#dl-regions", "#dl-years", "#dl-results"):
        with phone.expect_download() as info:
            phone.click(link)
        download = info.value
        with open(download.path(), "rb") as fh:
            files[link] = fh.read()
    doc = assert_valid_iati(files["#dl-iati"])
    assert isinstance(doc, etree._Element) and len(list(doc.iter("iati-activity"))) == 2
    assert files["#dl-alliances"].decode("utf-8-sig").startswith("code,association")
    assert files["#dl-ocds"].startswith(b'{"uri"')
