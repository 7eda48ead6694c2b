// SHA-256 and HMAC-SHA256 through OpenSSL's EVP interface, plus hex output.
#ifndef TRACESTRIP_SIGV4_CRYPTO_H
#define TRACESTRIP_SIGV4_CRYPTO_H

#include <string>
#include <string_view>

namespace tracestrip::sigv4 {

// Lower-case hex of the bytes, the form SigV4 uses for every digest.
std::string hex_encode(std::string_view bytes);

// Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view data);

// Lower-case hex SHA-256, as in x-amz-content-sha256 and the string to sign.
std::string sha256_hex(std::string_view data);

// Raw 32-byte HMAC-SHA256 of data under key.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Compares two strings in time independent of where they differ, so that a
// verifier does not leak how much of a signature was right.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace tracestrip::sigv4

#endif
