"""Split a cell or a sentence into the agencies it names, with the role the text gives each.

Separators (";", ",", "và", "/") only end a name where the gazetteer says a name ends, so
"Sở Giáo dục và Đào tạo và Sở Văn hóa, Thể thao và Du lịch" is two agencies and "Sở Văn hóa, Thể thao
và Du lịch" one. Role words inside the text switch the role of what follows: "A phối hợp với B" makes
B a co-lead; "Theo hướng dẫn của Bộ …/ Cục …" marks the central bodies after it as guiding bodies;
"Đề nghị X" marks X as a body the plan asks rather than commands; "các Sở: Y tế, …" expands a
factored list. A name the gazetteer does not know is kept as an unknown agency (table cells), or
ends the list (running prose, where unknown words are rarely names). Either way a known name inside
an unknown one ("Công ty Cổ phần Bảo hiểm Xã hội …") is never taken out of it: an unknown name runs
to the next separator that a known name follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.gazetteer import Gazetteer, Kind, Token, default, tokenize
from kg.model import AgencyRef, Category, Role
from kg.slug import fold, modern_tones, slugify

LEVEL_WORDS = ("tỉnh", "thành phố", "xã", "phường", "đặc khu", "huyện", "thị xã", "cấp tỉnh", "cấp xã",
               "cấp thành phố", "cấp huyện")
QUALIFIERS = ("có liên quan", "liên quan", "khác")
SEPARATORS = {";", ",", "/", ":", "(", ")", ".", "+", fold("và"), fold("hoặc")}

# Words that begin the name of an organisation: an unknown run is split before one of them.
_HEADS = ("Sở", "Ban", "Hội", "Bộ", "Cục", "Tổng cục", "Chi cục", "Trung tâm", "Phòng", "Ủy ban",
          "UBND", "Công an", "Đài", "Báo", "Viện", "Trường", "Văn phòng", "Thanh tra", "Liên đoàn",
          "Liên hiệp", "Ngân hàng", "Bảo hiểm", "Kho bạc", "Đoàn", "Tỉnh đoàn", "Thành đoàn", "Trạm",
          "Bộ Chỉ huy", "Ban Chỉ huy", "Cơ quan", "Các", "Công chức", "Trưởng")
# Words that never make a name on their own: a run made only of these is filler, not an agency.
_FILLER = {fold(w) for w in ("các", "và", "có", "liên", "quan", "khác", "theo", "hướng", "dẫn", "của",
                             "phối", "hợp", "với", "chủ", "trì", "cùng", "đơn", "vị", "cơ", "khi",
                             "được", "giao", "tại", "trên", "địa", "bàn", "thực", "hiện")}
# Guessed category of an unknown name from its first word (only for colour; the name is reported).
_GUESS = {"sở": Category.DEPARTMENT, "hội": Category.MASS_ORGANISATION,
          "liên": Category.MASS_ORGANISATION, "đoàn": Category.MASS_ORGANISATION,
          "bộ": Category.CENTRAL_BODY, "cục": Category.CENTRAL_BODY, "tổng": Category.CENTRAL_BODY,
          "công": Category.POLICE_MILITARY, "báo": Category.PRESS, "đài": Category.PRESS,
          "các": Category.COLLECTIVE}


@dataclass(frozen=True)
class Locality:
    """Where a plan sits: its level word and the place names that may follow an agency's name."""

    level: str  # tỉnh | thành phố | xã | phường
    places: tuple[str, ...] = ()
    commune: bool = False


@dataclass(frozen=True)
class Mention:
    """An agency found in a text, its role there and its character offsets."""

    agency: AgencyRef
    role: Role
    start: int
    end: int


@dataclass
class AgencyList:
    """What :meth:`AgencyReader.read` found."""

    mentions: list[Mention] = field(default_factory=list)
    end: int = 0  # character offset where reading stopped

    @property
    def unknown(self) -> list[AgencyRef]:
        return [m.agency for m in self.mentions if not m.agency.known]

    def agencies(self, role: Role | None = None) -> list[AgencyRef]:
        """Agencies in order of first mention, without repeats, optionally of one role."""
        out: list[AgencyRef] = []
        for mention in self.mentions:
            if (role is None or mention.role is role) and mention.agency not in out:
                out.append(mention.agency)
        return out


def _seq(gazetteer: Gazetteer, phrases: tuple[str, ...] | list[str]) -> list[list[str]]:
    found = [gazetteer.keys(p) for p in phrases]
    return sorted(found, key=len, reverse=True)


class AgencyReader:
    """Reads agency lists for one plan (its locality decides suffixes and scopes).

    >>> reader = AgencyReader(Locality("tỉnh", ("Hà Tĩnh",)))
    >>> [a.name for a in reader.read("Sở Giáo dục và Đào tạo và Sở Văn hoá, Thể thao và Du lịch").agencies()]
    ['Sở Giáo dục và Đào tạo', 'Sở Văn hóa, Thể thao và Du lịch']
    """

    def __init__(self, locality: Locality, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or default()
        self.locality = locality
        g = self.gazetteer
        self._levels = [(keys, phrase) for phrase in LEVEL_WORDS for keys in [g.keys(phrase)]]
        self._levels.sort(key=lambda item: len(item[0]), reverse=True)
        self._places = _seq(g, locality.places)
        self._qualifiers = _seq(g, QUALIFIERS)
        self._guiding = _seq(g, ("theo hướng dẫn của", "theo hướng dẫn", "hướng dẫn của"))
        self._cooperate = _seq(g, ("phối hợp chặt chẽ với", "phối hợp với", "phối hợp cùng", "phối hợp"))
        self._request = _seq(g, ("đề nghị",))
        self._lead = _seq(g, ("chủ trì",))
        self._factor = _seq(g, ("các sở", "các sở gồm", "bao gồm các sở"))
        self._heads = {tuple(g.keys(h)) for h in _HEADS}

    # -- public -------------------------------------------------------------------------------

    def read(self, text: str, role: Role = Role.LEAD, *, strict: bool = False,
             factored: bool = False) -> AgencyList:
        """Every agency named in ``text``; ``role`` is the role of a name before any role word.

        ``strict`` (running prose): stop at the first word that does not begin a known name, and
        report no unknown names. ``factored``: the text is a factored list after "các Sở:".
        """
        tokens, keys, owner = self._keys(text)
        result = AgencyList()
        position, current, guiding = 0, role, False
        while position < len(keys):
            marker = self._marker(keys, position)
            if marker is not None:
                name, length = marker
                position += length
                if name == "guiding":
                    guiding = True
                elif name == "cooperate" and role in (Role.LEAD, Role.REQUESTED, Role.FOCAL_POINT,
                                                       Role.STANDING, Role.ADVISOR):
                    current = Role.CO_LEAD
                elif name == "request":
                    current = Role.REQUESTED
                elif name == "factor":
                    factored = True
                continue
            if keys[position] in SEPARATORS:
                position += 1
                continue
            found = self._match(keys, position, factored)
            if found is None:
                if strict:
                    break
                position = self._unknown(text, tokens, keys, owner, position, current, result)
                continue
            end, kind, is_factored = found
            end, level = self._suffix(keys, end)
            if guiding and kind.level != "central":
                guiding = False
            start_char, end_char = tokens[owner[position]].start, tokens[owner[end - 1]].end
            mention_text = text[start_char:end_char]
            agency = self._agency(kind, mention_text, level, is_factored)
            result.mentions.append(Mention(agency, Role.GUIDING if guiding else current,
                                           start_char, end_char))
            position = end
        result.end = tokens[owner[position]].start if position < len(keys) else len(text)
        return result

    # -- matching -----------------------------------------------------------------------------

    def _keys(self, text: str) -> tuple[list[Token], list[str], list[int]]:
        tokens = tokenize(text)
        keys: list[str] = []
        owner: list[int] = []
        for index, token in enumerate(tokens):
            for key in self.gazetteer.expand(token):
                keys.append(key)
                owner.append(index)
        return tokens, keys, owner

    @staticmethod
    def _starts(keys: list[str], position: int, seq: list[str]) -> bool:
        return keys[position:position + len(seq)] == seq

    def _marker(self, keys: list[str], position: int) -> tuple[str, int] | None:
        for name, seqs in (("guiding", self._guiding), ("cooperate", self._cooperate),
                           ("request", self._request), ("lead", self._lead)):
            for seq in seqs:
                if self._starts(keys, position, seq):
                    return name, len(seq)
        for seq in self._factor:
            if self._starts(keys, position, seq) and keys[position + len(seq):position + len(seq) + 1] == [":"]:
                return "factor", len(seq) + 1
        return None

    def _match(self, keys: list[str], position: int, factored: bool) -> tuple[int, Kind, bool] | None:
        plain = self.gazetteer.longest(keys, position)
        short = self.gazetteer.longest(keys, position, factored=True) if factored else None
        if short and (plain is None or short[0] > plain[0]):
            return short[0], short[1], True
        if plain:
            return plain[0], plain[1], False
        return None

    def _suffix(self, keys: list[str], end: int) -> tuple[int, str | None]:
        """Consume a locality ("tỉnh", "thành phố Đồng Nai", "Đắk Lắk") and "có liên quan"."""
        level = None
        for seq, phrase in self._levels:
            if self._starts(keys, end, seq):
                end += len(seq)
                level = phrase.removeprefix("cấp ")
                break
        for seq in self._places:
            if self._starts(keys, end, seq):
                end += len(seq)
                break
        for seq in self._qualifiers:
            if self._starts(keys, end, seq):
                end += len(seq)
                break
        return end, level

    def _is_head(self, keys: list[str], position: int, tokens: list[Token], owner: list[int]) -> bool:
        if not tokens[owner[position]].text[:1].isupper():
            return False
        return any(tuple(keys[position:position + len(h)]) == h for h in self._heads)

    def _unknown(self, text: str, tokens: list[Token], keys: list[str], owner: list[int],
                 position: int, role: Role, result: AgencyList) -> int:
        """Read a name the gazetteer does not know, up to where a known or new name begins."""
        start = position
        end = position + 1
        while end < len(keys):
            key = keys[end]
            if key == ";" or self._marker(keys, end) is not None:
                break
            if key in SEPARATORS and end + 1 < len(keys) and (
                    self.gazetteer.longest(keys, end + 1) or self._is_head(keys, end + 1, tokens, owner)):
                break
            end += 1
        words = [k for k in keys[start:end] if k not in SEPARATORS]
        if words and any(w not in _FILLER for w in words):
            start_char = tokens[owner[start]].start
            end_char = tokens[owner[end - 1]].end
            name = text[start_char:end_char].strip(" ,;:/.-–")
            if name:
                first = fold(name.split()[0])
                category = _GUESS.get(first, Category.OTHER)
                is_group = first == fold("các")
                scope = "central" if category is Category.CENTRAL_BODY else "own"
                agency = AgencyRef(ident=slugify(modern_tones(name)), scope=scope, category=category,
                                   kind=None, is_group=is_group, known=False,
                                   name=" ".join(modern_tones(name).split()), mention=name)
                result.mentions.append(Mention(agency, role, start_char, end_char))
        return end

    # -- naming -------------------------------------------------------------------------------

    def _agency(self, kind: Kind, mention: str, level: str | None, is_factored: bool) -> AgencyRef:
        label = kind.label_vi
        own_level = level or (self.locality.level if kind.level != "province" or not self.locality.commune
                              else None)
        if own_level and kind.level != "central" and label.endswith(" tỉnh"):
            label = f"{label[: -len(' tỉnh')]} {own_level}"  # labels name the province form
        if kind.level == "central":
            scope = "central"
        elif not self.locality.commune or level in ("xã", "phường", "đặc khu"):
            scope = "own"
        elif level in ("tỉnh", "thành phố") or kind.level == "province":
            scope = "province"
        else:
            scope = "own"
        return AgencyRef(ident=kind.slug, scope=scope, category=kind.category, kind=kind.slug,
                         is_group=kind.is_group, known=True, name=label,
                         mention=" ".join(mention.split()) if not is_factored else mention)
