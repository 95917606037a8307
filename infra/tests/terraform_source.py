"""The Terraform configuration of infra/terraform, parsed with python-hcl2: blocks by kind, with
string quotes stripped, and small helpers to resolve the literal values the tests compare."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import hcl2
from hcl2.utils import SerializationOptions

ROOT = Path(__file__).resolve().parents[1] / "terraform"

_OPTIONS = SerializationOptions(strip_string_quotes=True, with_comments=False, explicit_blocks=False)


@dataclass(frozen=True)
class Block:
    """One labelled block (resource, data, module) and the file it is in."""

    kind: str
    type: str  # the resource type; "" for modules
    name: str
    body: dict
    file: Path


@dataclass
class Module:
    """The .tf files of one module directory."""

    path: Path
    locals: dict
    blocks: list[Block]
    # `moved` blocks: {"from": "${address}", "to": "${address}"}
    moved: list[dict] = field(default_factory=list)

    def resources(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == "resource" and b.type == type_]

    def modules(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "module"]

    def child(self, block: Block) -> "Module":
        return load(self.path / block.body["source"])


def load(path: Path = ROOT) -> Module:
    path = path.resolve()
    locals_: dict = {}
    blocks: list[Block] = []
    moved: list[dict] = []
    for f in sorted(path.glob("*.tf")):
        doc = hcl2.load(f.open(), serialization_options=_OPTIONS)
        for entry in doc.get("locals", []):
            duplicated = set(locals_) & set(entry)
            assert not duplicated, f"locals defined twice: {duplicated}"
            locals_.update(entry)
        for kind in ("resource", "data"):
            for entry in doc.get(kind, []):
                for type_, named in entry.items():
                    for name, body in named.items():
                        blocks.append(Block(kind, type_, name, body, f))
        for entry in doc.get("module", []):
            for name, body in entry.items():
                blocks.append(Block("module", "", name, body, f))
        moved += doc.get("moved", [])
    return Module(path, locals_, blocks, moved)


def outputs(path: Path = ROOT) -> dict[str, dict]:
    """A module directory's `output` blocks, by name."""
    out: dict[str, dict] = {}
    for f in sorted(path.resolve().glob("*.tf")):
        for entry in hcl2.load(f.open(), serialization_options=_OPTIONS).get("output", []):
            out.update(entry)
    return out


_INTERPOLATION = re.compile(r"^\$\{(.*)\}$", re.S)


def expression(value) -> str | None:
    """The expression inside a lone `${...}`, or None for a literal."""
    if isinstance(value, str):
        m = _INTERPOLATION.match(value)
        if m:
            return m.group(1).strip()
    return None


def local_reference(value) -> str | None:
    """`x` for `${local.x}` or `${toset(local.x)}`; None otherwise."""
    expr = expression(value)
    if expr is None:
        return None
    m = re.fullmatch(r"(?:toset\()?local\.(\w+)\)?", expr)
    return m.group(1) if m else None


def as_list(value) -> list:
    """A block that may appear once (dict) or several times (list of dicts), as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
