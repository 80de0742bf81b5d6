"""evaluate()'s split, reproduced: the min_games filter, then each player's
games shuffled by the seeded mt19937 sequence (src/core/evaluation.cpp), so a
candidate measured here is measured on the rows evaluate() would use."""
import csv
import math
from collections import defaultdict


class MT19937:
    """The standard 32-bit Mersenne Twister (std::mt19937), seeded as C++ seeds it."""

    def __init__(self, seed):
        self.mt = [0] * 624
        self.index = 624
        self.mt[0] = seed & 0xFFFFFFFF
        for i in range(1, 624):
            self.mt[i] = (1812433253 * (self.mt[i - 1] ^ (self.mt[i - 1] >> 30)) + i) & 0xFFFFFFFF

    def _twist(self):
        mt = self.mt
        for i in range(624):
            y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7FFFFFFF)
            mt[i] = mt[(i + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
        self.index = 0

    def __call__(self):
        if self.index >= 624:
            self._twist()
        y = self.mt[self.index]
        self.index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y & 0xFFFFFFFF


def held_count(games, share):
    if games < 2 or share <= 0:
        return 0
    held = int(math.floor(share * games + 0.5))
    return min(max(held, 1), games - 1)


def shuffle(items, random):
    for i in range(len(items) - 1, 0, -1):
        j = random() % (i + 1)
        items[i], items[j] = items[j], items[i]


def load_plays(path):
    """Returns {player: {appid: hours}} from user_games.csv."""
    plays = defaultdict(dict)
    with open(path) as f:
        for row in csv.DictReader(f):
            plays[int(row["steam_id"])][int(row["appid"])] = float(row["playtime_hours"] or 0)
    return plays


def filter_min_games(plays, min_games=5):
    kept = {p: dict(g) for p, g in plays.items()}
    while True:
        owners = defaultdict(int)
        for games in kept.values():
            for a in games:
                owners[a] += 1
        changed = False
        for p in list(kept):
            games = kept[p]
            drop = [a for a in games if owners[a] < min_games] if len(games) >= min_games else list(games)
            for a in drop:
                del games[a]
                changed = True
            if not games:
                del kept[p]
        if not changed:
            return kept


def split(plays, seed, validation, holdout=0.2, min_games=5, inner_holdout=None):
    """Returns (players, train, held, universe): train[p] = {appid: hours}, held[p] = set of appids."""
    kept = filter_min_games(plays, min_games)
    random = MT19937(seed)
    second = MT19937(seed ^ 0x9E3779B9)
    players, train, held, universe = [], [], [], set()
    for p in sorted(kept):
        games = sorted(kept[p].items())
        universe.update(a for a, _ in games)
        shuffle(games, random)
        h = held_count(len(games), holdout)
        test, rest = games[:h], games[h:]
        if validation:
            shuffle(rest, second)
            h = held_count(len(rest), holdout if inner_holdout is None else inner_holdout)
            test, rest = rest[:h], rest[h:]
        players.append(p)
        train.append(dict(rest))
        held.append({a for a, _ in test})
    return players, train, held, sorted(universe)
