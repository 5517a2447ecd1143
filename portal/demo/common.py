"""Constants and date and drawing helpers shared by the demo and generated data."""
import bisect
import datetime
import itertools

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


def as_of():
    """The last day generated data (portal/generate) may fall on; the demo follows today."""
    return min(AS_OF, date.today())


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def between(rng, first, last):
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


class Weighted:
    """A fixed table of (value, weight) to draw from, as `random.choices` draws.

    The cumulative weights are summed once, which matters a million draws later.
    """

    def __init__(self, pairs):
        self.values, weights = zip(*pairs)
        self.cum_weights = list(itertools.accumulate(weights))
        self.total = self.cum_weights[-1] + 0.0
        self.hi = len(self.values) - 1

    def pick(self, rng):
        return self.values[bisect.bisect(self.cum_weights, rng.random() * self.total, 0, self.hi)]


def weighted(rng, pairs):
    """One value of `pairs` [(value, weight)] or of a Weighted table."""
    if isinstance(pairs, Weighted):
        return pairs.pick(rng)
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]
