"""The province at full scale: communes, villages and the organisation tree.

The first twelve communes are the demo's (portal/demo/places.py, created by its
`geography()`), so that the demo's directives, twinning links and the village
merged under Nghị quyết 137 find their places; the others are generated. Every
commune gets a commune-level unit of the Front, the Youth Union, the Women's,
Farmers' and Veterans' associations, with branches over its villages and groups
under some branches; the Labour Federation has area unions over the communes
and a union for the provincial agencies. Rows get their ids here, so a node's
materialised path is known before anything is written.
"""
import dataclasses

from models import AdministrativeUnit, Organisation, Village
from models.text import fold, sort_key
from portal.demo.common import COMMUNE_REFORM_DAY, Weighted, date
from portal.demo.places import (
    COMMUNES, FARM_TRADES, LDLD_TREE, MERGED_VILLAGE, TREE, UNIT_KIND_WORD, geography,
    merged_branch,
)
from portal.generate import names

# Full shape: about 135 communes, 2,000 villages and 10,000 organisations.
COMMUNES_FULL = 135
COMMUNES_MIN = len(COMMUNES)
# Branches per village under each unit's commune-level unit (a branch may
# serve two or three small villages).
BRANCHES_PER_VILLAGE = {"MTTQ": 1.0, "DOAN": 0.5, "PHUNU": 0.6, "NONGDAN": 0.6, "CCB": 0.5}
PHUNU_GROUPS = Weighted([(0, 70), (1, 15), (2, 15)])
NONGDAN_GROUPS = Weighted([(0, 30), (1, 40), (2, 30)])
LDLD_AREA_COMMUNES = 8
HIGHLAND_SHARE = 0.55
TOWN_SHARE = 0.18
BAHNAR_COMMUNES = {"DAKDOA", "KONGCHRO", "KBANG", "DAKPO"}


class Place:
    """A village as the member generator needs it."""

    __slots__ = ("id", "name", "ethnic_groups")

    def __init__(self, id, name, ethnic_groups):
        self.id, self.name, self.ethnic_groups = id, name, ethnic_groups


@dataclasses.dataclass
class Commune:
    id: int
    code: str
    slug: str
    name: str
    kind: str
    mix: str  # a key of names.VILLAGE_GROUPS
    villages: list

    @property
    def short(self):
        return f"{UNIT_KIND_WORD[self.kind]} {self.name}"


@dataclasses.dataclass
class Node:
    id: int
    code: str
    name: str
    kind: str
    level: str
    parent_id: int
    path: str
    commune_id: int
    active_from: object
    reporter_id: int = None  # the commune-level unit that reports for it

    def row(self):
        document = Organisation.search_document_for({"code": self.code, "name": self.name})
        return (self.id, self.code, self.name, sort_key(self.name), self.kind, self.level,
                self.parent_id, self.path, self.commune_id, self.active_from, document, 1)


NODE_FIELDS = ("id", "code", "name", "name_key", "kind", "level", "parent", "path", "commune",
               "active_from", "search_text", "version")


@dataclasses.dataclass
class Shape:
    communes: list
    demo_villages: dict   # demo slug → [Village], for the demo's twinning links
    merged_village: object
    nodes: list           # the generated organisations, parents first
    branches: dict        # unit code → [(Node, [home villages])]: where members belong
    reporters: dict       # unit code → [Node]: the commune-level units
    counts: dict = dataclasses.field(default_factory=dict)  # reporter id → (branches, groups)

    def subtree_counts(self, node_id):
        """(branches, groups) below a commune-level unit."""
        return self.counts.get(node_id, (0, 0))

    def count_levels(self):
        for node in self.nodes:
            if node.reporter_id is not None and node.level in ("chi_hoi", "to_hoi"):
                branches, groups = self.counts.get(node.reporter_id, (0, 0))
                if node.level == "chi_hoi":
                    branches += 1
                else:
                    groups += 1
                self.counts[node.reporter_id] = (branches, groups)


def build(rng, units, communes, writer):
    """Create the geography and the tree under the six `units`; return the Shape."""
    demo_communes, demo_villages, merged_village = geography()
    places = _communes(rng, demo_communes, demo_villages, communes, writer)
    shape = Shape(places, demo_villages, merged_village, [], {}, {})
    tree = _Tree(rng, writer.next_id(Organisation), shape)
    for unit_code in TREE:
        for commune in places:
            tree.commune_unit(units[unit_code], commune)
    tree.labour(units["LDLD"], places)
    shape.count_levels()
    with writer.indexes_suspended(Organisation):
        writer.insert(Organisation, NODE_FIELDS, (node.row() for node in shape.nodes))
    _dissolved_branch(shape, demo_communes["IAGRAI"])
    return shape


# --------------------------------------------------------------------------
# Geography


def _communes(rng, demo_communes, demo_villages, total, writer):
    province = next(iter(demo_communes.values())).parent_id
    places = []
    for code, slug, kind, name, _ in COMMUNES:
        model = demo_communes[slug]
        mix = "bahnar" if slug in BAHNAR_COMMUNES else "highland_town" if kind == "phuong" else "jrai"
        places.append(Commune(model.id, model.code, slug, name, kind, mix, list(demo_villages[slug])))
    slugs = {place.slug for place in places}
    extra = total - len(places)
    highland = round(extra * HIGHLAND_SHARE)
    chosen = (rng.sample([n for n in names.HIGHLAND_COMMUNES if n not in names.TAKEN], highland)
              + rng.sample([n for n in names.LOWLAND_COMMUNES if n not in names.TAKEN], extra - highland))
    unit_rows = []
    next_unit = writer.next_id(AdministrativeUnit)
    for index, name in enumerate(chosen):
        is_highland = index < highland
        kind = "phuong" if rng.random() < TOWN_SHARE else "xa"
        if is_highland:
            mix = "highland_town" if kind == "phuong" else rng.choice(["jrai", "jrai", "bahnar"])
        else:
            mix = "lowland_town" if kind == "phuong" else "lowland"
        slug = _slug(name, slugs)
        code = f"XA{len(COMMUNES) + 2 + index:02d}"  # XA13 is the demo's former town
        places.append(Commune(next_unit + index, code, slug, name, kind, mix, []))
        label = {"xa": "Xã", "phuong": "Phường"}[kind]
        full_name = f"{label} {name}"
        unit_rows.append((next_unit + index, code, full_name, sort_key(full_name), kind, province,
                          COMMUNE_REFORM_DAY,
                          AdministrativeUnit.search_document_for({"code": code, "name": full_name}), 1))
    writer.insert(AdministrativeUnit, ("id", "code", "name", "name_key", "kind", "parent",
                                       "active_from", "search_text", "version"), unit_rows)

    village_rows = []
    next_village = writer.next_id(Village)
    number = Village.select().count()
    for place in places:
        wanted = rng.randint(10, 20)
        taken = {village.name for village in place.villages}
        mix = Weighted(names.VILLAGE_GROUPS[place.mix])
        roots = rng.sample(names.HIGHLAND_VILLAGE_ROOTS, len(names.HIGHLAND_VILLAGE_ROOTS))
        kinh = rng.sample(names.KINH_VILLAGE_NAMES, len(names.KINH_VILLAGE_NAMES))
        while len(place.villages) < wanted:
            groups = mix.pick(rng)
            name, kind = _village_name(rng, place, groups, roots, kinh, taken)
            taken.add(name)
            number += 1
            code = f"TH{number:04d}"
            village = Place(next_village + len(village_rows), name, groups)
            place.villages.append(village)
            village_rows.append((village.id, code, name, sort_key(name), kind, place.id,
                                 "Jrai" in groups or "Bahnar" in groups, groups,
                                 Village.search_document_for({"code": code, "name": name,
                                                              "ethnic_groups": groups}), 1))
    with writer.indexes_suspended(Village):
        writer.insert(Village, ("id", "code", "name", "name_key", "kind", "commune", "ethnic_minority",
                                "ethnic_groups", "search_text", "version"), village_rows)
    return places


def _slug(name, taken):
    base = "".join(fold(name).upper().split())[:12]
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base[:11]}{n}"
    taken.add(slug)
    return slug


def _village_name(rng, place, groups, roots, kinh, taken):
    """(name, kind) of a new village of `place` whose main groups are `groups`."""
    if groups.startswith(("Jrai", "Bahnar")):
        kinds = [("plei", 5), ("lang", 3), ("buon", 2)] if "Jrai" in groups else [("lang", 8), ("plei", 2)]
        kind = Weighted(kinds).pick(rng)
        while True:
            root = roots.pop() if roots else f"{rng.choice(names.HIGHLAND_VILLAGE_ROOTS)} {rng.randint(1, 3)}"
            name = f"{names.VILLAGE_WORD[kind]} {root}"
            if name not in taken:
                return name, kind
    if place.kind == "phuong":
        kind, word = "to_dan_pho", "Tổ dân phố"
    else:
        kind, word = "thon", "Thôn"
    n = 1
    while True:
        if kind == "thon" and kinh and rng.random() < 0.5:
            name = f"{word} {kinh.pop()}"
        else:
            name = f"{word} {n}"
            n += 1
        if name not in taken:
            return name, kind


# --------------------------------------------------------------------------
# Organisations


class _Tree:
    def __init__(self, rng, first_id, shape):
        self.rng = rng
        self.next_id = first_id
        self.shape = shape

    def add(self, parent, code, name, level, commune_id, active_from, reporter_id=None):
        node = Node(self.next_id, code, name, parent.kind, level, parent.id,
                    f"{parent.path}{self.next_id}/", commune_id, active_from, reporter_id)
        self.next_id += 1
        self.shape.nodes.append(node)
        return node

    def founded(self, first_year, last_year):
        return date(self.rng.randint(first_year, last_year), self.rng.randint(1, 12), 1)

    def commune_unit(self, unit, commune):
        rng, spec = self.rng, TREE[unit.code]
        base = self.add(unit, f"{unit.code}-{commune.slug}", spec["commune"].format(where=commune.short),
                        "xa", commune.id, self.founded(*spec["since"]))
        base.reporter_id = base.id
        self.shape.reporters.setdefault(unit.code, []).append(base)
        villages = commune.villages
        count = max(1, round(BRANCHES_PER_VILLAGE[unit.code] * len(villages)))
        bounds = [round(i * len(villages) / count) for i in range(count + 1)]
        for i in range(count):
            homes = villages[bounds[i]:bounds[i + 1]]
            served = " - ".join(village.name for village in homes[:3])
            branch = self.add(base, f"{base.code}-{spec['tag']}{i + 1:02d}",
                              spec["branch"].format(village=served), "chi_hoi", commune.id,
                              self.founded(1995, 2018), base.id)
            if unit.code in ("DOAN", "PHUNU", "NONGDAN", "CCB"):
                self.shape.branches.setdefault(unit.code, []).append((branch, homes))
            if unit.code == "PHUNU":
                for k in range(1, PHUNU_GROUPS.pick(rng) + 1):
                    self.add(branch, f"{branch.code}-T{k:02d}", f"Tổ phụ nữ số {k} {homes[0].name}",
                             "to_hoi", commune.id, branch.active_from, base.id)
            elif unit.code == "NONGDAN":
                for k, trade in enumerate(rng.sample(FARM_TRADES, NONGDAN_GROUPS.pick(rng)), 1):
                    self.add(branch, f"{branch.code}-T{k:02d}",
                             f"Tổ hội nghề nghiệp {trade} {homes[0].name}", "to_hoi", commune.id,
                             self.founded(2019, 2024), base.id)

    def labour(self, ldld, communes):
        """Area unions over the communes (the demo's three first) and the union of
        the provincial agencies, each with its grassroots unions."""
        rng = self.rng
        demo, rest = communes[:COMMUNES_MIN], communes[COMMUNES_MIN:]
        areas = []  # (code slug, name, centre, communes, named grassroots unions)
        for code, name, centre_slug, grassroots in LDLD_TREE:
            for i in range(0, COMMUNES_MIN, 4):
                group = demo[i:i + 4]
                centre = next((c for c in group if c.slug == centre_slug), None)
                if centre is not None:
                    areas.append((code, name, centre, group, grassroots))
        for i in range(0, len(rest), LDLD_AREA_COMMUNES):
            group = rest[i:i + LDLD_AREA_COMMUNES]
            areas.append((group[0].slug, f"Liên đoàn Lao động khu vực {group[0].name}", group[0],
                          group, ()))
        for code, name, centre, group, grassroots in areas:
            upper = self.add(ldld, f"LDLD-{code}", name, "xa", centre.id, COMMUNE_REFORM_DAY)
            entries = [(title, centre) for title in grassroots]
            for commune in group:
                titles = names.COMMUNE_UNIONS + tuple(rng.sample(names.ENTERPRISES, rng.randint(0, 3)))
                entries += [(title.format(name=commune.name, short=commune.short), commune)
                            for title in titles]
            self._grassroots(upper, entries)
        code, name, _, grassroots = next(entry for entry in LDLD_TREE if entry[2] is None)
        upper = self.add(ldld, f"LDLD-{code}", name, "xa", None, date(1994, 5, 1))
        towns = [c for c in communes if c.kind == "phuong"] or communes
        self._grassroots(upper, [(title, None) for title in grassroots]
                         + [(f"Công đoàn {agency}", None) for agency in names.AGENCIES], towns)

    def _grassroots(self, upper, entries, towns=None):
        """Grassroots unions under `upper`: (name, commune or None), first of each name."""
        upper.reporter_id = upper.id
        self.shape.reporters.setdefault("LDLD", []).append(upper)
        unique = {}
        for title, commune in entries:
            unique.setdefault(title, commune)
        width = 2 if len(unique) < 100 else 3
        for i, (title, commune) in enumerate(unique.items(), 1):
            node = self.add(upper, f"{upper.code}-CS{i:0{width}d}", title, "chi_hoi",
                            commune.id if commune else None, self.founded(1990, 2015), upper.id)
            homes = commune.villages if commune else self.rng.choice(towns).villages
            self.shape.branches.setdefault("LDLD", []).append((node, homes))


def _dissolved_branch(shape, commune):
    """The demo's Veterans' branch dissolved into its neighbour when its
    village was merged into Làng Kép (Nghị quyết 137)."""
    base = next(node for node in shape.reporters["CCB"] if node.code == f"CCB-{MERGED_VILLAGE[3]}")
    survivor = next(node for node, homes in shape.branches["CCB"]
                    if node.parent_id == base.id and any(v.name == MERGED_VILLAGE[4] for v in homes))
    merged_branch(Organisation.get_by_id(base.id), commune, shape.merged_village,
                  Organisation.get_by_id(survivor.id))
