"""English texts of the demo catalogue and departments (the German ones are in demo.py).

``apply()`` fills every empty English field, so it also completes a demo loaded before the
catalogue had English fields. Idempotent: a field an editor has filled is left alone.
"""

from portal.i18n import translations_fill
from portal.models import Department
from services.models import Service, ServiceCategory

DEPARTMENTS = {
    "buergerbuero": "Citizens' office",
    "ordnungsamt": "Public order office",
    "steueramt": "Tax office",
    "tiefbau": "Civil engineering and roads",
    "umwelt": "Environment and green spaces",
    "digitalisierung": "Digitalisation unit",
}

CATEGORIES = {
    "wohnen": "Housing and registration",
    "tiere": "Animals and taxes",
    "verkehr": "Traffic and roads",
    "umwelt": "Environment and waste",
    "wirtschaft": "Business and trade",
}

# slug: name, summary, description, prerequisites, documents, fees, search terms
SERVICES = {
    "bewohnerparkausweis": (
        "Resident parking permit",
        "Park in your own residential area without a ticket.",
        "If you live in a resident parking zone and have your main residence there, you can "
        "apply for a resident parking permit for one vehicle. It is valid for one year.",
        "Main residence in the parking zone; the vehicle is registered to you or permanently "
        "at your disposal.",
        "Vehicle registration certificate (part I)",
        "€30.70 per year",
        "parking, car, permit",
    ),
    "hundeanmeldung": (
        "Register a dog (dog tax)",
        "Register your dog for the dog tax within two weeks.",
        "Anyone keeping a dog in Castrop-Rauxel must register it with the tax office. You "
        "receive a tax tag and a tax notice. A higher rate applies to listed breeds.",
        "The dog lives in your household in Castrop-Rauxel.",
        "For listed breeds: certificate of competence",
        "none; dog tax according to the by-law",
        "dog, tax, pet",
    ),
    "sperrmuell": (
        "Bulky waste collection",
        "Up to 5 m³ of bulky waste are collected free of charge twice a year.",
        "The waste management company collects furniture, mattresses and carpets in front of "
        "your door on an agreed date. Please register electrical appliances separately.",
        "",
        "",
        "free twice a year, then €35",
        "furniture, waste, collection",
    ),
    "meldebescheinigung": (
        "Certificate of registration",
        "Confirmation of your current address, sent by post.",
        "The simple certificate of registration shows your name, date of birth and address. "
        "It is sent to you by post.",
        "You are registered in Castrop-Rauxel.",
        "",
        "€7.00",
        "address, residence, certificate",
    ),
    "gewerbeanmeldung": (
        "Business registration",
        "Register a business in Castrop-Rauxel.",
        "Anyone starting a business must register it with the trade office. The registration "
        "is passed on to the tax office, the chamber of commerce and other bodies.",
        "Being of age; for businesses that need a licence, the licence.",
        "Identity card; where applicable the licence, commercial register extract",
        "€26.00",
        "business, trade, self-employed",
    ),
    "strassenfest": (
        "Special use: street party",
        "Permission to use a public street for a neighbourhood party.",
        "For a street party you need a special use permit and, where needed, a traffic order "
        "to close the street. Please apply at least four weeks in advance.",
        "Consent of the residents",
        "Site plan of the closure",
        "from €50.00",
        "party, street, closure",
    ),
    "baumfaellung": (
        "Tree felling permit",
        "Permission to fell a protected tree on your property.",
        "Trees with a trunk circumference of 100 cm or more are protected by the tree "
        "protection by-law. Felling is only allowed outside the breeding season (1 October to "
        "28 February).",
        "You own the property or have the owner's consent.",
        "Photos of the tree; site plan",
        "€50.00 to €150.00",
        "tree, felling, garden",
    ),
    "maengelmelder": (
        "Defect reporter",
        "Pothole, broken street light, illegal dumping: report defects in the city.",
        "With the defect reporter you report damage and litter to the office in charge. You "
        "can follow how your report is handled.",
        "",
        "",
        "free of charge",
        "defect, pothole, street light, litter",
    ),
}

SERVICE_FIELDS = (
    "name",
    "summary",
    "description",
    "prerequisites",
    "required_documents",
    "fees",
    "search_terms",
)


def apply() -> None:
    for department in Department.objects.filter(slug__in=DEPARTMENTS):
        translations_fill(department, {"name": DEPARTMENTS[department.slug]})
    for category in ServiceCategory.objects.filter(slug__in=CATEGORIES):
        translations_fill(category, {"name": CATEGORIES[category.slug]})
    for service in Service.objects.filter(slug__in=SERVICES):
        translations_fill(service, dict(zip(SERVICE_FIELDS, SERVICES[service.slug], strict=True)))
