"""Geography: postcodes parsed and located (sector table shipped as package data, optional
full Code-Point Open import), straight-line distances, and the bands shown to others.
Services: ``market.geo.services``, ``distance``, ``display``. Tables: Postcode, PostcodeImport, PlaceCache. No routes.
"""
