"""A small zip in Code-Point Open's real layout, for the import tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

HEADERS = (
    "PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC\n"
    "Postcode,Positional_quality_indicator,Eastings,Northings,Country_code,NHS_regional_HA_code,"
    "NHS_HA_code,Admin_county_code,Admin_district_code,Admin_ward_code\n"
)

# Real rows from the May 2025 release, plus one without coordinates (quality 90).
PE_ROWS = [
    '"PE1 1AB",10,518993,298647,"E92000001","E19000001","E18000006","","E06000031","E05010807"',
    '"PE1 1BA",10,519046,298485,"E92000001","E19000001","E18000006","","E06000031","E05010807"',
    '"PE1 1BF",10,519240,298522,"E92000001","E19000001","E18000006","","E06000031","E05010807"',
    '"PE1 9ZZ",90,0,0,"E92000001","","","","",""',
]
OX_ROWS = [
    '"OX1 1DP",10,451420,205951,"E92000001","E19000002","E18000009","E10000025","E07000178","E05013106"',
]


def build_zip(folder: Path, *, pe_rows=PE_ROWS, ox_rows=OX_ROWS, headers: str = HEADERS) -> Path:
    path = folder / "codepo_gb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Doc/Code-Point_Open_Column_Headers.csv", headers)
        archive.writestr("Doc/metadata.txt", "Product: Code-Point Open\nRelease date: May 2025\n")
        archive.writestr("Data/CSV/pe.csv", "\n".join(pe_rows) + "\n")
        archive.writestr("Data/CSV/ox.csv", "\n".join(ox_rows) + "\n")
    return path
