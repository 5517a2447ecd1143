"""Constants and date helpers shared by the demo-data modules."""
import datetime

date = datetime.date

AS_OF = date(2025, 9, 30)
BASE_CODES = ("KHOI", "MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD")
CHUNK = 500
# The three-digit province code that opens Gia Lai citizen ID numbers.
CCCD_PROVINCE = "064"
# Nghị quyết 137/NQ-HĐND: villages merged from the start of 2019.
VILLAGE_MERGE_DAY = date(2019, 1, 1)
# Districts were abolished and thị trấn turned into xã on 1 July 2025.
COMMUNE_REFORM_DAY = date(2025, 7, 1)


def _as_of():
    return min(AS_OF, date.today())


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _between(rng, first, last):
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]
