// SHA-256 and HMAC through OpenSSL EVP: no hand-rolled digests.
#include "tracestrip/sigv4/crypto.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace tracestrip::sigv4 {

namespace {

const unsigned char *bytes_of(std::string_view text)
{
  return reinterpret_cast<const unsigned char *>(text.data());
}

}  // namespace

std::string hex_encode(std::string_view bytes)
{
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for(unsigned char byte : bytes) {
    hex += digits[byte >> 4];
    hex += digits[byte & 0x0f];
  }
  return hex;
}

std::string sha256(std::string_view data)
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if(!EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr))
    throw std::runtime_error("EVP_Digest(SHA-256) failed");
  return std::string(reinterpret_cast<const char *>(digest), length);
}

std::string sha256_hex(std::string_view data)
{
  return hex_encode(sha256(data));
}

std::string hmac_sha256(std::string_view key, std::string_view data)
{
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t length = 0;
  if(!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, bytes_of(key), key.size(),
                bytes_of(data), data.size(), mac, sizeof(mac), &length))
    throw std::runtime_error("EVP_Q_mac(HMAC-SHA256) failed");
  return std::string(reinterpret_cast<const char *>(mac), length);
}

bool constant_time_equal(std::string_view a, std::string_view b)
{
  if(a.size() != b.size())
    return false;
  unsigned char difference = 0;
  for(size_t i = 0; i < a.size(); ++i)
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace tracestrip::sigv4
