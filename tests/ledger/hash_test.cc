#include <catch2/catch.hpp>

#include "wasteledger/hash.h"

using namespace wasteledger;

TEST_CASE("SHA-256 known answers", "[hash]") {
  CHECK(ToHex(Sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(ToHex(Sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256("a", "bc") == Sha256("abc"));
  Sha256Stream s;
  s.Update("ab");
  s.Update("c");
  CHECK(s.Finish() == Sha256("abc"));
}

TEST_CASE("hex round trip and rejects", "[hash]") {
  CHECK(ToHex(std::string("\x00\xff\x10", 3)) == "00ff10");
  CHECK(FromHex("00FF10") == std::string("\x00\xff\x10", 3));
  CHECK_FALSE(FromHex("abc").has_value());
  CHECK_FALSE(FromHex("zz").has_value());
  CHECK_FALSE(HashFromHex("00").has_value());
}

TEST_CASE("base64 is strict", "[hash]") {
  CHECK(ToBase64("hello") == "aGVsbG8=");
  CHECK(FromBase64("aGVsbG8=") == std::string("hello"));
  CHECK(FromBase64("") == std::string());
  CHECK_FALSE(FromBase64("aGVsbG8").has_value());        // missing padding
  CHECK_FALSE(FromBase64("aGVs bG8=").has_value());      // whitespace
  CHECK_FALSE(FromBase64("aGVsbG8=\n").has_value());
  CHECK_FALSE(FromBase64("aGVs\xe2\x80\x94G8=").has_value());  // a non-ASCII byte inside
  CHECK_FALSE(FromBase64("aGV=bG8=").has_value());       // padding in the middle
  CHECK_FALSE(FromBase64("a===").has_value());
}
