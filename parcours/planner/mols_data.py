"""Published sets of mutually orthogonal Latin squares (MOLS) for orders that are
not prime powers.  Data, not code: each entry is a set of squares as strings.

Source: the design database of SageMath, ``src/sage/combinat/designs/database.py``
(functions ``MOLS_10_2``, ``MOLS_12_5``, ``MOLS_14_4``, ``MOLS_15_4``,
``MOLS_18_3``), which cites:

* order 10, 2 squares: C. Lam's "POLS10" page (cecm.sfu.ca/organics/papers/lam);
* order 12, 5 squares: found by Brendan McKay;
* order 14, 4 squares: shared by Ian Wanless; existence first proved by
  D. T. Todorov, "Four mutually orthogonal Latin squares of order 14",
  Journal of Combinatorial Designs 20(8), 2012, 363-367;
* order 15, 4 squares and order 18, 3 squares: shared by Ian Wanless.

Format: symbols are the letters ``a``.. (``a`` = 0).  Line ``i`` of a table holds
row ``i`` of every square, one word per square.  ``tests/planner/test_planner_mols.py``
checks that every square is Latin and every pair orthogonal.
"""

from __future__ import annotations

MOLS_10_2 = (
    [
        [1, 8, 9, 0, 2, 4, 6, 3, 5, 7],
        [7, 2, 8, 9, 0, 3, 5, 4, 6, 1],
        [6, 1, 3, 8, 9, 0, 4, 5, 7, 2],
        [5, 7, 2, 4, 8, 9, 0, 6, 1, 3],
        [0, 6, 1, 3, 5, 8, 9, 7, 2, 4],
        [9, 0, 7, 2, 4, 6, 8, 1, 3, 5],
        [8, 9, 0, 1, 3, 5, 7, 2, 4, 6],
        [2, 3, 4, 5, 6, 7, 1, 8, 9, 0],
        [3, 4, 5, 6, 7, 1, 2, 0, 8, 9],
        [4, 5, 6, 7, 1, 2, 3, 9, 0, 8],
    ],
    [
        [1, 7, 6, 5, 0, 9, 8, 2, 3, 4],
        [8, 2, 1, 7, 6, 0, 9, 3, 4, 5],
        [9, 8, 3, 2, 1, 7, 0, 4, 5, 6],
        [0, 9, 8, 4, 3, 2, 1, 5, 6, 7],
        [2, 0, 9, 8, 5, 4, 3, 6, 7, 1],
        [4, 3, 0, 9, 8, 6, 5, 7, 1, 2],
        [6, 5, 4, 0, 9, 8, 7, 1, 2, 3],
        [3, 4, 5, 6, 7, 1, 2, 8, 0, 9],
        [5, 6, 7, 1, 2, 3, 4, 0, 9, 8],
        [7, 1, 2, 3, 4, 5, 6, 9, 8, 0],
    ],
)

MOLS_12_5 = """
abcdefghijkl abcdefghijkl abcdefghijkl abcdefghijkl abcdefghijkl
badcfehgjilk ghefklijcdab dcbahgfelkji jilkbadcfehg klijcdabghef
cdabghefklij efghijklabcd lkjidcbahgfe ijklabcdefgh fehgjilkbadc
dcbahgfelkji cdabghefklij ghefklijcdab badcfehgjilk hgfelkjidcba
ijklabcdefgh klijcdabghef efghijklabcd fehgjilkbadc jilkbadcfehg
jilkbadcfehg fehgjilkbadc hgfelkjidcba dcbahgfelkji lkjidcbahgfe
klijcdabghef hgfelkjidcba jilkbadcfehg cdabghefklij dcbahgfelkji
lkjidcbahgfe ijklabcdefgh badcfehgjilk efghijklabcd ghefklijcdab
efghijklabcd jilkbadcfehg fehgjilkbadc lkjidcbahgfe cdabghefklij
fehgjilkbadc dcbahgfelkji cdabghefklij ghefklijcdab badcfehgjilk
ghefklijcdab badcfehgjilk klijcdabghef hgfelkjidcba ijklabcdefgh
hgfelkjidcba lkjidcbahgfe ijklabcdefgh klijcdabghef efghijklabcd
"""

MOLS_14_4 = """
bjihgkecalnfmd  bfmcenidgjhalk  bcdefghijklmna  bcdefghijklmna
fckjbhledimagn  jcgndfalehkbim  gnkjdmiclbhaef  jflhnkaecmgdib
mgdlkcbafejnih  ikdhaegnmfblcj  lifhbjemkangcd  emkdjbgfnliahc
cnhemldbigfkaj  hjlebifkangcmd  dalmgnbjehcfik  anighmflkbdcej
edabfnmkcjhgli  gbkmfcjeliahdn  njcaeifhbdgkml  kebcajimdgfhln
nfeicgajldkbhm  khclngdafmjibe  mfbkcdlagnjihe  cgnflembihakjd
iagfjdhnkmelcb  elbdmahfignkjc  aemnhkjdcifblg  ilabkdnhfcjegm
dlnkeafimhcjbg  ceabkjnihdmgfl  hdnikbagmcelfj  ljgnihecbamfdk
gemalfihjnbdkc  adficlkmjbenhg  cgjflhnbiekdam  ndmabcjglfeikh
jhfnimgdbkacel  liegjdmhnkcfab  fkibmagenldhjc  mbhiefljadkncg
hkbgajnmeclidf  nmjfhkecbaldgi  imhlneckdfajgb  difjcnkamehgbl
ablchikgnfdmje  fankgbljdcimeh  klegafdnhjmcbi  ghckmlbdeinjaf
licmdbjfhagenk  mgialhcbkedjnf  jhadicmlfgbekn  fajlgidkhncbme
kmjdneclgbihfa  dnhjimbgclfeka  ebgcjlkfamindh  hkemdacngjblfi
"""

MOLS_15_4 = """
bcdefghijklmnoa  bdgiknfcamehjlo  bhealiofmdjgcnk  blhcmdinejofakg
abcdefghijklmno  acehjlogdbnfikm  lcifbmjagnekhdo  hcmidnejofkagbl
oabcdefghijklmn  nbdfikmahecogjl  amdjgcnkbhoflie  midnjeofkaglbhc
noabcdefghijklm  mocegjlnbifdahk  fbnekhdolciagmj  dnjeokfaglbhmci
mnoabcdefghijkl  lnadfhkmocjgebi  kgcoflieamdjbhn  jeokfalgbhmcind
lmnoabcdefghijk  jmobegilnadkhfc  olhdagmjfbnekci  ekfalgbmhcindjo
klmnoabcdefghij  dknacfhjmobelig  jamiebhnkgcofld  aflgbmhcnidjoek
jklmnoabcdefghi  helobdgiknacfmj  ekbnjfciolhdagm  lbgmhcnidojekaf
ijklmnoabcdefgh  kifmacehjlobdgn  nflcokgdjamiebh  gmchnidojeakflb
hijklmnoabcdefg  oljgnbdfikmaceh  iogmdalhekbnjfc  chndiojeakfblgm
ghijklmnoabcdef  iamkhocegjlnbdf  djahnebmiflcokg  ndioejakfblgcmh
fghijklmnoabcde  gjbnliadfhkmoce  hekbiofcnjgmdal  ioejafkblgcmhdn
efghijklmnoabcd  fhkcomjbegilnad  miflcjagdokhneb  ojafkbglcmhdnie
defghijklmnoabc  egildankcfhjmob  cnjgmdkbhealiof  fakbglchmdnieoj
cdefghijklmnoab  cfhjmeboldgikna  gdokhnelcifbmja  kgblchmdineojfa
"""

MOLS_18_3 = """
bgejhkmodcnarilpfq  beqpodgcflkrjahnim  bcdefghijklmnopqra
echfbilnprdokajmqg  gcfrqpehdnmlabkioj  rbkamfgdehqjinopcl
qfdigcjmohaeplkbnr  ehdgarqfibonmkcljp  mlbqhifgajdcrenopk
prgejhdbnaikfqmlco  jfiehkargqcponldmb  hijbcdefgqraklmnop
oqahfbiecpkjlgrnmd  hbgjfilkacrdqpomen  gderbkamfpclhqjino
dprkigcjfeqlbmhaon  kichbgjmlodaerqpnf  fgamlbqhiopkjdcren
geqaljhdbofrmcnikp  mljdichbngpekfarqo  efghijbcdnopqraklm
chfrkmbieqpgandojl  onmbejdicphqflgkar  amfgderbkinopclhqj
fdigalncjmrqhkoepb  dponcfbejaqirgmhlk  qhifgamlbrenopkjdc
lnbqcogpakmhdrifej  crhapeoqmkbgidnjfl  leqjponacbkidfgmhr
kmocrdphqblnieajgf  ndaikqfprmlchjeobg  kjmcrponhlbqeafgid
rlnpdaeqigcmojfkbh  aoekjlrgqhnmdibfpc  dqriklponajbcmhfge
jamoqekfrihdnpbglc  rkpflbmahdionejcgq  nacleqjpomhrbkidfg
abknprflgdjieoqchm  ialqgmcnkrejpofbdh  onhkjmcrpgidlbqeaf
hkcloqagmnebjfprdi  ljkmrhndoiafbqpgce  pondqriklfgeajbcmh
nildmprkhjofcbgqae  pmblnaioefjkgcrqhd  jponacleqdfgmhrbki
iojmenqalfbpgdchrk  fqncmokjpegblhdari  crponhkjmeafgidlbq
mjpbnforklgcqhedia  qgrodnplbjfhcmieka  iklpondqrcmhfgeajb
"""


def _from_string(text: str, k: int) -> list[list[list[int]]]:
    """Return the ``k`` squares of a table string."""
    squares: list[list[list[int]]] = [[] for _ in range(k)]
    for i, word in enumerate(text.split()):
        squares[i % k].append([ord(c) - ord("a") for c in word])
    return squares


def published() -> dict[int, tuple[str, list[list[list[int]]]]]:
    """Return order -> (source, squares) for every stored table."""
    return {
        10: ("Lam (POLS10)", [list(sq) for sq in MOLS_10_2]),
        12: ("McKay", _from_string(MOLS_12_5, 5)),
        14: ("Wanless; Todorov 2012", _from_string(MOLS_14_4, 4)),
        15: ("Wanless", _from_string(MOLS_15_4, 4)),
        18: ("Wanless", _from_string(MOLS_18_3, 3)),
    }


# Lower bounds on the number of MOLS of order n known to exist, n = 0..60: the table of
# the Handbook of Combinatorial Designs (Colbourn & Dinitz, 2nd ed., 2007, section III.3) as
# SageMath stores it (src/sage/combinat/designs/MOLS_table.py, ``handbook_data``), with
# order 14 raised from 3 to 4 (Todorov 2012).  It says what exists, not what is stored
# here: orders whose squares are not stored fall back to products or fewer rounds.
KNOWN_LOWER_BOUNDS = (
    0, 0, 1, 2, 3, 4, 1, 6, 7, 8, 2, 10, 5, 12, 4, 4, 15, 16, 3, 18,
    4, 5, 3, 22, 7, 24, 4, 26, 5, 28, 4, 30, 31, 5, 4, 5, 8, 36, 4, 5,
    7, 40, 5, 42, 5, 6, 4, 46, 8, 48, 6, 5, 5, 52, 5, 6, 7, 7, 5, 58, 4,
)  # fmt: skip


def known_lower_bound(order: int) -> int | None:
    """Return how many MOLS of ``order`` are known to exist (None above 60)."""
    return KNOWN_LOWER_BOUNDS[order] if 0 <= order < len(KNOWN_LOWER_BOUNDS) else None
