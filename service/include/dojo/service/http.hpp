// The HTTP face of the Service (cpp-httplib): the JSON API under /api, its OpenAPI description at
// /api/openapi.json and the web page at /. Every refusal is a status and {"error": "one line"};
// another tenant's job or data set answers exactly as one that does not exist.
#pragma once

#include <csignal>
#include <cstddef>
#include <string>

#include "dojo/service/service.hpp"

namespace dojo::service {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 32;                             // connections served at once
  std::size_t json_max_bytes = 1 << 20;         // request bodies other than uploads
  std::size_t upload_max_bytes = 128ull << 20;  // data-set uploads
};

// Serves until `stop_requested` turns true (checked twice a second) or the listener fails.
// Prints "dojo serve: listening on http://HOST:PORT" once it listens. Returns false when it
// could not bind.
bool serve_http(Service& service, const HttpOptions& options,
                const volatile std::sig_atomic_t& stop_requested);

// The web page and the OpenAPI document.
const std::string& web_page();
const std::string& openapi_json();

}  // namespace dojo::service
