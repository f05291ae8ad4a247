"""The demo's data: the associations of the lifecycle, buyers, board accounts, intentions, budgets and texts.
Texts are Spanish, as the program writes them."""
#: the associations added for the lifecycle: same fields as ``demo.ASSOCIATIONS``
ASSOCIATIONS = (
    ("sorata", "Asociación de Apicultores de Sorata", "Sorata", "La Paz", "LP",
     "RA-GADLP-0981/2015", "195532017", "Banco Unión S.A.", 2014),
    ("caranavi", "Asociación de Productores de Café Ecológico Caranavi", "Caranavi", "La Paz", "LP",
     "RA-GADLP-0233/2008", "152264013", "Banco de Desarrollo Productivo S.A.M.", 2006),
    ("patacamaya", "Asociación de Productores de Quinua Orgánica Patacamaya", "Patacamaya", "La Paz", "LP",
     "RA-GADLP-0619/2012", "174410029", "Banco Unión S.A.", 2010),
    ("tiraque", "Asociación de Productores de Haba y Arveja Tiraque", "Tiraque", "Cochabamba", "CB",
     "RA-GADC-0874/2014", "287640018", "Banco Fassil S.A.", 2013),
    ("luribay", "Asociación de Fruticultores de Durazno Luribay", "Luribay", "La Paz", "LP",
     "RA-GADLP-0745/2010", "183302015", "Banco Unión S.A.", 2009),
    ("punata", "Asociación de Productores de Leche Punata", "Punata", "Cochabamba", "CB",
     "RA-GADC-0566/2011", "294418012", "Banco de Desarrollo Productivo S.A.M.", 2007),
)

BUYERS = (
    {"name": "Agroexport Yungas S.R.L.", "tax_id": "1023354026", "contact_name": "Mauricio Paredes Loza",
     "email": "compras@agroyungas.example.org", "phone": "22793311", "city": "La Paz"},
    {"name": "Snacks Andinos S.R.L.", "tax_id": "1029981021", "contact_name": "Patricia Zurita Arce",
     "email": "abastecimiento@snacksandinos.example.org", "phone": "44287755", "city": "Cochabamba"},
    {"name": "Exportadora Valle Alto S.R.L.", "tax_id": "1030562028", "contact_name": "Jorge Antezana Soria",
     "email": "acopio@vallealto.example.org", "phone": "44572210", "city": "Punata"},
    {"name": "Conservas del Valle S.R.L.", "tax_id": "1031847024", "contact_name": "Verónica Aliaga Prado",
     "email": "materiaprima@conservasvalle.example.org", "phone": "22860145", "city": "El Alto"},
)

#: board accounts of the added associations: (key, e-mail, label, name, association, title)
BOARD_ACCOUNTS = (
    ("sorata", "presidente.sorata", "board (presidente), Sorata", "Eusebio Quispe Chura", "sorata",
     "Presidente"),
    ("caranavi", "presidenta.caranavi", "board (presidenta), Caranavi", "Sabina Choque Laura", "caranavi",
     "Presidenta"),
    ("patacamaya", "presidenta.patacamaya", "board (presidenta), Patacamaya", "Justina Apaza Colque",
     "patacamaya", "Presidenta"),
    ("tiraque", "presidente.tiraque", "board (presidente), Tiraque", "Cipriano Rojas Villca", "tiraque",
     "Presidente"),
    ("luribay", "presidenta.luribay", "board (presidenta), Luribay", "Felipa Tarqui Machaca", "luribay",
     "Presidenta"),
    ("punata", "presidente.punata", "board (presidente), Punata", "Florencio Ayma Torrez", "punata",
     "Presidente"),
    ("llica", "presidente.llica", "board (presidente), Llica", "Hilarión Mamani Choque", "llica", "Presidente"),
)

#: one intention per association: what it sells, to whom, for how much per family (BOB)
INTENTIONS = {
    "achacachi": dict(title="Acopio y enfriamiento de leche fresca para PIL Andina", product="Leche fresca",
                      buyer="PIL Andina S.A.", per_family=9800, unit="litros", volume="540000.00",
                      price="3.90", base_income=11000),
    "sorata": dict(title="Miel de altura envasada para Irupana", product="Miel de abeja",
                   buyer="Irupana Andean Organic Food S.A.", per_family=8600, unit="kilogramos", volume="18000.00",
                   price="58.00", base_income=9000),
    "caranavi": dict(title="Beneficiado y secado de café pergamino para exportación", product="Café pergamino",
                     buyer="Agroexport Yungas S.R.L.", per_family=12400, unit="quintales", volume="2400.00",
                     price="1450.00", base_income=14000),
    "patacamaya": dict(title="Quinua orgánica certificada con trilladora y centro de acopio",
                       product="Quinua orgánica", buyer="Irupana Andean Organic Food S.A.", per_family=11200,
                       unit="quintales", volume="3600.00", price="720.00", base_income=12000),
    "tiraque": dict(title="Haba seca seleccionada para exportación a Valle Alto", product="Haba seca",
                    buyer="Exportadora Valle Alto S.R.L.", per_family=9400, unit="quintales", volume="4200.00",
                    price="380.00", base_income=10000),
    "colomi": dict(title="Papa nativa seleccionada para hojuelas de Snacks Andinos", product="Papa nativa",
                   buyer="Snacks Andinos S.R.L.", per_family=10600, unit="toneladas", volume="620.00",
                   price="2900.00", base_income=11500),
    "luribay": dict(title="Durazno seleccionado para conservas de Conservas del Valle", product="Durazno",
                    buyer="Conservas del Valle S.R.L.", per_family=9200, unit="cajas de 20 kg", volume="26000.00",
                    price="95.00", base_income=8500),
    "llica": dict(title="Quinua real orgánica lavada y seleccionada para Irupana", product="Quinua real",
                  buyer="Irupana Andean Organic Food S.A.", per_family=11800, unit="quintales", volume="3000.00",
                  price="780.00", base_income=12500),
    "punata": dict(title="Centro de acopio y tanque de frío de leche para PIL Andina en Punata",
                   product="Leche fresca", buyer="PIL Andina S.A.", per_family=9000, unit="litros",
                   volume="480000.00", price="3.80", base_income=10500),
}

#: budget templates: (category, description, unit, quantity, share of the total cost, grant %, cash %)
BUDGETS = {
    "default": (
        ("infrastructure", "Construcción del centro de acopio (120 m²)", "global", "1", "0.34", "0.62", "0.10"),
        ("equipment", "Equipo de selección, pesaje y envasado", "juego", "2", "0.26", "0.70", "0.12"),
        ("inputs", "Semilla certificada e insumos orgánicos", "lote", "1", "0.14", "0.70", "0.15"),
        ("technical_assistance", "Asistencia técnica productiva (24 meses)", "mes", "24", "0.12", "0.70", "0.30"),
        ("training", "Talleres de gestión asociativa y comercial", "taller", "12", "0.06", "0.70", "0.10"),
        ("working_capital", "Capital de operación para el primer acopio", "global", "1", "0.08", "0.50", "0.50"),
    ),
}

SECTION_TEXTS = {
    "executive_summary": "La {assoc} ({families} familias) propone {title_lc}. El plan invierte {total} con un "
                         "cofinanciamiento de {grant} y el aporte propio de la asociación en efectivo y en especie.",
    "objectives": "Aumentar el ingreso neto de las familias socias mediante la venta asociada de {product_lc} a "
                  "{buyer}, con calidad y volumen estables.",
    "business_agreement": "{buyer} firmó una carta de intención de compra de toda la producción que cumpla su "
                          "norma de calidad, con precio de referencia y pago a 15 días.",
    "agreement_volume": "{volume} {unit} por año a partir del segundo año, con entregas parciales en el primero.",
    "agreement_price": "Bs {price} por unidad puesta en planta, revisable cada año según el precio de mercado.",
    "agreement_quality": "Producto limpio, seleccionado y sin residuos de agroquímicos, con trazabilidad por familia.",
    "agreement_schedule": "Entregas quincenales en temporada; pago por transferencia a la cuenta de la asociación.",
    "technical_plan": "Mejora del manejo productivo con asistencia técnica contratada por la asociación, "
                      "infraestructura de acopio y equipos de selección operados por el comité de producción.",
    "market_analysis": "La demanda de {product_lc} de calidad crece; el comprador hoy completa su abastecimiento "
                       "con intermediarios a precios variables y prefiere un proveedor organizado.",
    "organization_plan": "La asamblea aprobó el plan; el directorio administra los fondos con el tesorero y un "
                         "comité de compras. Se rinde cuentas a la asamblea cada semestre (control social).",
    "environmental_measures": "Manejo de residuos en el centro de acopio, uso de insumos orgánicos y "
                              "capacitación en buenas prácticas agrícolas. Monitoreo semestral.",
}

EVIDENCE = ("actas de asamblea", "libro de socios", "registro de capacitaciones", "estatuto y reglamento",
            "informes a la asamblea", "carta del municipio", "convenios firmados", "facturas de venta",
            "libros contables", "extractos bancarios", "encuesta a las socias")

CRITERIA_SCORES = {"market": 4, "viability": 4, "organization": 3, "inclusion": 4, "environment": 3}
