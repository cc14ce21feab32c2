// Tenant tokens: 256 random bits shown once as 64 hex digits; the store keeps only their SHA-256.
#pragma once

#include <string>
#include <string_view>

namespace dojo::service {

// A new token from the kernel's random source (getrandom).
std::string new_token();

// Lower-case hex SHA-256 of `text` (OpenSSL EVP).
std::string sha256_hex(std::string_view text);

}  // namespace dojo::service
