import math
import re

from sspr.cards import WORDLIST_PATH, word_list


class TestWordList:
    def test_it_has_at_least_1024_different_words(self):
        lines = [w for w in WORDLIST_PATH.read_text(encoding="ascii").splitlines() if w]
        assert len(lines) == len(set(lines)), "no word twice"
        assert len(word_list()) >= 1024

    def test_it_has_only_short_lowercase_words(self):
        for word in word_list():
            assert re.fullmatch(r"[a-z]{3,8}", word), word

    def test_it_gives_two_answers_at_least_20_bits(self):
        n = len(word_list())
        # Two different words from the list, in order.
        assert math.log2(n * (n - 1)) >= 20

    def test_it_leaves_out_unkind_and_tricky_words(self):
        words = set(word_list())
        for bad in ["kill", "gun", "fat", "ugly", "stupid", "dumb", "die", "dead", "hate", "blood", "bacon"]:
            assert bad not in words
        # Plurals would trip a child who types the singular.
        assert not {"grapes", "beans", "noodles"} & words
