"""A contract type import-linter lacks: "no service module imports the web layer".

Service modules are named by concept (``checks.py``, ``applications.py`` ...), so they can't
be listed; the web-facing modules can, by name. This contract takes every module under
``source_package`` whose last name part matches none of ``web_module_names`` (fnmatch
patterns such as ``*pages``) and checks that none of them directly imports any of
``forbidden_modules`` (internal packages or external roots such as ``litestar``).
Loaded by ``lint-imports`` through ``contract_types`` in pyproject.toml; a package of its own
(installed with the project, outside ``market``) so that plain ``lint-imports`` finds it.
"""

from __future__ import annotations

from fnmatch import fnmatch

import grimp
from importlinter import Contract, ContractCheck, fields, output


class ServiceModulesContract(Contract):
    type_name = "service_modules"

    source_package = fields.StringField()
    web_module_names = fields.ListField(subfield=fields.StringField())
    forbidden_modules = fields.ListField(subfield=fields.StringField())
    ignore_packages = fields.ListField(subfield=fields.StringField(), required=False, default=[])

    def _is_service(self, module: str) -> bool:
        if any(module == p or module.startswith(p + ".") for p in self.ignore_packages):  # type: ignore[attr-defined]
            return False
        leaf = module.rsplit(".", 1)[-1]
        return not any(fnmatch(leaf, pattern) for pattern in self.web_module_names)  # type: ignore[attr-defined]

    def _forbidden(self, imported: str) -> bool:
        return any(imported == f or imported.startswith(f + ".") for f in self.forbidden_modules)  # type: ignore[attr-defined]

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        root = self.source_package  # type: ignore[attr-defined]
        broken: list[dict[str, object]] = []
        for module in sorted(graph.find_descendants(root) | {root}):
            if not self._is_service(module):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(module)):
                if self._forbidden(imported):
                    details = graph.get_import_details(importer=module, imported=imported)
                    lines = [d["line_number"] for d in details]
                    broken.append({"importer": module, "imported": imported, "lines": lines})
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            lines = ", ".join(f"l.{n}" for n in item["lines"])  # type: ignore[attr-defined]
            output.print_error(f"{item['importer']} imports {item['imported']} ({lines})", bold=False)
            output.new_line()
        output.print("A service module takes typed Structs and raises domain errors; only pages, APIs,")
        output.print("routes and middleware may import litestar or market.web.")
