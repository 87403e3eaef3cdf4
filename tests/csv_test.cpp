#include "regiokpi/csv.hpp"

#include <gtest/gtest.h>

#include <random>

using namespace regiokpi;

namespace {

// Each record's field texts, to compare whole files at a glance.
std::vector<std::vector<std::string>> texts(const std::vector<csv_record>& records) {
  std::vector<std::vector<std::string>> out;
  for (const auto& r : records) {
    out.emplace_back();
    for (const auto& f : r.fields) out.back().push_back(f.text);
  }
  return out;
}

using table = std::vector<std::vector<std::string>>;

std::string message_of(std::string_view text, std::string_view source = "w.csv") {
  try {
    read_csv(text, source);
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::parse_error);
    EXPECT_EQ(e.diagnostics().size(), 1u);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(Csv, PlainRecordsWithPlaces) {
  const auto r = read_csv("member,weight\nEmmen,107330\nCoevorden,35410\n");
  EXPECT_EQ(texts(r), (table{{"member", "weight"}, {"Emmen", "107330"}, {"Coevorden", "35410"}}));
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[2].fields[1].line, 3u);
  EXPECT_EQ(r[2].fields[1].column, 11u);  // "Coevorden," is 10 characters
}

TEST(Csv, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  const auto r = read_csv("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,\"\"\n");
  EXPECT_EQ(texts(r), (table{{"a", "b"}, {"x, y", "say \"hi\""}, {"two\nlines", "z"}, {"last", ""}}));
  // The record that spans lines 3-4 starts on line 3; its second field starts on line 4, column 8.
  EXPECT_EQ(r[2].line, 3u);
  EXPECT_EQ(r[2].fields[1].line, 4u);
  EXPECT_EQ(r[2].fields[1].column, 8u);
  EXPECT_EQ(r[3].line, 5u);
}

TEST(Csv, LineEndingsBomAndEmptyFields) {
  EXPECT_EQ(texts(read_csv("a,b\r\n1,2\r\n")), (table{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(texts(read_csv("a,b\n1,2")), (table{{"a", "b"}, {"1", "2"}}));  // no final line break
  EXPECT_EQ(texts(read_csv("\"a\"\r\n\"b\"")), (table{{"a"}, {"b"}}));
  EXPECT_EQ(texts(read_csv("\"a\r\nb\"\r\n")), (table{{"a\r\nb"}}));  // CRLF inside quotes is data
  const auto bom = read_csv("\xEF\xBB\xBFmember,weight\n");
  EXPECT_EQ(texts(bom), (table{{"member", "weight"}}));
  EXPECT_EQ(bom[0].fields[0].column, 1u);  // the BOM is not a character of the text
  EXPECT_EQ(texts(read_csv(",,\n")), (table{{"", "", ""}}));
  EXPECT_EQ(texts(read_csv("a,\n")), (table{{"a", ""}}));
  EXPECT_TRUE(read_csv("").empty());
  EXPECT_TRUE(read_csv("\xEF\xBB\xBF").empty());
}

TEST(Csv, EmptyLinesAreSkippedUnlessAsked) {
  const auto r = read_csv("a\n\nb\n\r\n\n");
  EXPECT_EQ(texts(r), (table{{"a"}, {"b"}}));
  EXPECT_EQ(r[1].line, 3u);
  EXPECT_EQ(texts(read_csv("a\n\nb\n", "", csv_options{false})), (table{{"a"}, {""}, {"b"}}));
}

TEST(Csv, ColumnsCountCharactersNotBytes) {
  const auto r = read_csv("Súdwest-Fryslân,Hoogeveen\n");
  EXPECT_EQ(r[0].fields[0].text, "Súdwest-Fryslân");
  EXPECT_EQ(r[0].fields[1].column, 17u);  // 15 characters and a comma before it
}

TEST(Csv, MalformedInputNamesLineAndColumn) {
  EXPECT_EQ(message_of("member,weight\nEmmen,\"107330\n"),
            "w.csv:2:7: the quoted field that starts here is never closed (a missing '\"')");
  EXPECT_EQ(message_of("a\n\"x\"y,1\n"),
            "w.csv:2:4: unexpected \"y\" after a closing quote (a quote inside a quoted field is written twice: \"\")");
  EXPECT_EQ(message_of("a\nsay \"hi\"\n"),
            "w.csv:2:5: a quote inside an unquoted field (quote the whole field and double the quote)");
  EXPECT_EQ(message_of("a\rb\n"),
            "w.csv:1:2: a carriage return that is not followed by a line feed (lines end in LF or CRLF)");
  EXPECT_EQ(message_of("\"", ""), "1:1: the quoted field that starts here is never closed (a missing '\"')");
}

TEST(Csv, EscapeQuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_escape("Emmen"), "Emmen");
  EXPECT_EQ(csv_escape("Aa en Hunze"), "Aa en Hunze");
  EXPECT_EQ(csv_escape("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_escape("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_escape("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_escape(" padded"), "\" padded\"");
  EXPECT_EQ(csv_escape(""), "");
}

TEST(Csv, PropertyEscapedFieldsReadBackUnchanged) {
  std::mt19937 rng(4180);
  const std::vector<std::string> pieces{"a", "b", " ", ",", "\"", "\n", "\r", "\xC3\xA9"};  // é is one piece
  for (int round = 0; round < 500; ++round) {
    table rows(1 + rng() % 5);
    const std::size_t width = 1 + rng() % 4;
    std::string text;
    for (auto& row : rows) {
      for (std::size_t c = 0; c < width; ++c) {
        std::string clean;
        const std::size_t len = rng() % 6;
        for (std::size_t k = 0; k < len; ++k) clean += pieces[rng() % pieces.size()];
        row.push_back(clean);
        text += (c ? "," : "") + csv_escape(clean);
      }
      text += rng() % 2 ? "\r\n" : "\n";
    }
    // A row whose only field is empty is an empty line, which the reader skips by default.
    const auto back = read_csv(text, "", csv_options{false});
    ASSERT_EQ(texts(back), rows) << quote(text, 200);
  }
}

TEST(Csv, InvalidUtf8IsRefusedAtItsPlace) {
  // "Caf\xe9" is Latin-1 for "Café": 0xE9 starts a three-byte sequence that the comma does not continue.
  EXPECT_EQ(message_of("member,weight\nCaf\xe9,1\n"),
            "w.csv:2:4: the byte \\xe9 is not valid UTF-8 (the file must be UTF-8)");
  // An overlong encoding of '/' (C0 AF) and a UTF-16 surrogate (ED A0 80) are not UTF-8 either (RFC 3629).
  EXPECT_EQ(message_of("a,\xc0\xaf\n"), "w.csv:1:3: the byte \\xc0 is not valid UTF-8 (the file must be UTF-8)");
  EXPECT_EQ(message_of("\xed\xa0\x80\n"), "w.csv:1:1: the byte \\xed is not valid UTF-8 (the file must be UTF-8)");
  // Columns count characters: "é" (C3 A9) is one, so the bad byte after "é," is in column 3.
  EXPECT_EQ(message_of("\xc3\xa9,\xff\n"), "w.csv:1:3: the byte \\xff is not valid UTF-8 (the file must be UTF-8)");
  // Well-formed multi-byte text (U+10FFFF is the largest code point) reads.
  EXPECT_EQ(texts(read_csv("\xc3\xa9,\xf4\x8f\xbf\xbf\n")), (table{{"\xc3\xa9", "\xf4\x8f\xbf\xbf"}}));
}

TEST(Csv, Utf8ValidatorFollowsRfc3629) {
  using detail::first_invalid_utf8;
  auto ok = [](std::string_view s) { return first_invalid_utf8(s) == s.size(); };
  // Valid multi-byte names (Frisian, Danish): 2-byte sequences (U+00FA, U+00E2, U+00C6, U+00F8).
  EXPECT_TRUE(ok("Súdwest-Fryslân"));
  EXPECT_TRUE(ok("Ærø"));
  // 3- and 4-byte sequences at the edges: U+0800 (E0 A0 80), U+D7FF (ED 9F BF), U+E000 (EE 80 80),
  // U+FFFF (EF BF BF), U+10000 (F0 90 80 80), U+10FFFF (F4 8F BF BF).
  EXPECT_TRUE(ok("\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"));
  // Overlong forms of '/' (U+002F) in two, three and four bytes, and of U+07FF in three.
  EXPECT_EQ(first_invalid_utf8("a\xc0\xaf"), 1u);
  EXPECT_EQ(first_invalid_utf8("ab\xc1\xbf"), 2u);
  EXPECT_EQ(first_invalid_utf8("\xe0\x80\xaf"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xe0\x9f\xbf"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xf0\x80\x80\xaf"), 0u);
  // UTF-16 surrogates U+D800 and U+DFFF encoded as if they were characters (CESU-8).
  EXPECT_EQ(first_invalid_utf8("x\xed\xa0\x80"), 1u);
  EXPECT_EQ(first_invalid_utf8("x\xed\xbf\xbf"), 1u);
  // Above U+10FFFF (F4 90 80 80 is U+110000) and the never-used lead bytes F5..FF.
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xf5\x80\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xff"), 0u);
  // Truncated sequences: at the end, and cut short by an ASCII byte; a lone continuation byte.
  EXPECT_EQ(first_invalid_utf8("abc\xc3"), 3u);
  EXPECT_EQ(first_invalid_utf8("abc\xe2\x82"), 3u);
  EXPECT_EQ(first_invalid_utf8("abc\xf0\x9f\x98"), 3u);
  EXPECT_EQ(first_invalid_utf8("\xe2\x82,"), 0u);
  EXPECT_EQ(first_invalid_utf8("\x80"), 0u);
  // The offset is found past the 8-byte ASCII skip and inside a word that mixes ASCII and not.
  EXPECT_EQ(first_invalid_utf8("0123456789abcdef\xe9"), 16u);
  EXPECT_EQ(first_invalid_utf8("01234\xc3\xa9"
                               "89abc\xe9xyz"),
            12u);
}

TEST(Csv, QuotedInputInMessagesStaysUtf8) {
  // Valid multi-byte characters are kept; a byte that is not UTF-8 is escaped like a control byte.
  EXPECT_EQ(quote("Ærø"), "\"Ærø\"");
  EXPECT_EQ(quote("Caf\xe9!"), "\"Caf\\xe9!\"");
  EXPECT_EQ(quote("\xed\xa0\x80"), "\"\\xed\\xa0\\x80\"");  // a surrogate: three bad bytes
  // Shortened by characters, never inside one: 3 characters of "ééééé" are 6 bytes.
  EXPECT_EQ(quote("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3), "\"\xc3\xa9\xc3\xa9\xc3\xa9...\"");
  EXPECT_EQ(detail::first_invalid_utf8(quote(std::string("a\xff\xc3", 3))), quote(std::string("a\xff\xc3", 3)).size());
}

TEST(Csv, InvalidUtf8PlacesFollowQuotedLineBreaks) {
  // The bad byte is on line 3 (the quoted field opened on line 2 spans it), after "b" (1 character).
  EXPECT_EQ(message_of("a,b\n1,\"x\nb\xc3\""), "w.csv:3:2: the byte \\xc3 is not valid UTF-8 (the file must be UTF-8)");
  // A truncated 3-byte sequence cut by the comma; a valid row before it reads.
  EXPECT_EQ(message_of("Ærø,1\n\xe2\x82,2\n"), "w.csv:2:1: the byte \\xe2 is not valid UTF-8 (the file must be UTF-8)");
  // A byte after a closing quote is quoted as a character, or (not UTF-8) escaped.
  EXPECT_EQ(message_of("\"a\"\xc3\xa9\n"),
            "w.csv:1:4: unexpected \"\xc3\xa9\" after a closing quote (a quote inside a quoted field is written twice: "
            "\"\")");
  EXPECT_EQ(message_of("\"a\"\xe9\n"),
            "w.csv:1:4: unexpected \"\\xe9\" after a closing quote (a quote inside a quoted field is written twice: "
            "\"\")");
  EXPECT_EQ(texts(read_csv("member,weight\nSúdwest-Fryslân,1\n\"Ærø\",2\n")),
            (table{{"member", "weight"}, {"Súdwest-Fryslân", "1"}, {"Ærø", "2"}}));
}

TEST(Csv, ALoneCarriageReturnAtTheEndIsAnErrorToo) {
  // Lines end in LF or CRLF, also the last one (the same rule as the measurements ingest).
  EXPECT_EQ(message_of("a,b\r"),
            "w.csv:1:4: a carriage return that is not followed by a line feed (lines end in LF or CRLF)");
  // A row longer than a 16-byte block, with the multi-byte character in its second block.
  EXPECT_EQ(texts(read_csv("0123456789abcdef,\xc3\xa9\n")), (table{{"0123456789abcdef", "\xc3\xa9"}}));
}

TEST(Csv, OneEscapingRuleQuotesWhatReadersWouldChange) {
  EXPECT_EQ(csv_escape("plain"), "plain");
  EXPECT_EQ(csv_escape("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_escape("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_escape(" lead"), "\" lead\"");  // a reader that trims would lose the space
  std::string out = "x,";
  csv_append_field(out, "trail ");
  EXPECT_EQ(out, "x,\"trail \"");
}
