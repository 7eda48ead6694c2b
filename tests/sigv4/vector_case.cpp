#include "vector_case.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tracestrip/sigv4/amz_date.h"
#include "tracestrip/sigv4/crypto.h"

namespace tracestrip::sigv4::testing {

namespace fs = std::filesystem;

namespace {

std::string without_cr(std::string line)
{
  if(!line.empty() && line.back() == '\r')
    line.pop_back();
  return line;
}

void parse_request_line(const std::string &line, HttpRequest &request)
{
  // The target may hold spaces ("GET /example space/ HTTP/1.1"): the
  // method ends at the first blank and the version starts at the last.
  size_t first = line.find(' ');
  size_t last = line.rfind(' ');
  if(first == std::string::npos || last == first)
    throw std::runtime_error("bad request line: " + line);
  request.method = line.substr(0, first);
  std::string target = line.substr(first + 1, last - first - 1);
  size_t question = target.find('?');
  request.path = target.substr(0, question);
  request.query = question == std::string::npos ? std::string() : target.substr(question + 1);
}

}  // namespace

fs::path vector_root()
{
  if(const char *env = std::getenv("TRACESTRIP_SIGV4_VECTORS"); env && *env)
    return env;
  return TRACESTRIP_SIGV4_VECTORS_DEFAULT;
}

std::vector<std::string> vector_names()
{
  std::vector<std::string> names;
  std::error_code error;
  for(fs::directory_iterator it(vector_root(), error), end; !error && it != end;
      it.increment(error)) {
    if(fs::exists(it->path() / "request.txt"))
      names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_file(const fs::path &path)
{
  std::ifstream in(path, std::ios::binary);
  if(!in)
    throw std::runtime_error("cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void parse_request_text(const std::string &text, HttpRequest &request, std::string &body)
{
  std::istringstream in(text);
  std::string line;
  if(!std::getline(in, line))
    throw std::runtime_error("empty request.txt");
  parse_request_line(without_cr(line), request);

  while(std::getline(in, line)) {
    line = without_cr(line);
    if(line.empty())
      break;
    if((line[0] == ' ' || line[0] == '\t') && !request.headers.empty()) {
      // Folded continuation: the canonicaliser turns the break into a blank.
      request.headers.back().value += "\n" + line;
      continue;
    }
    size_t colon = line.find(':');
    if(colon == std::string::npos)
      throw std::runtime_error("bad header line: " + line);
    request.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  std::ostringstream rest;
  rest << in.rdbuf();
  body = rest.str();
}

VectorCase load_vector(const std::string &name)
{
  fs::path folder = vector_root() / name;
  VectorCase vector;
  vector.name = name;
  parse_request_text(read_file(folder / "request.txt"), vector.request, vector.body);

  nlohmann::json context = nlohmann::json::parse(read_file(folder / "context.json"));
  const nlohmann::json &credentials = context.at("credentials");
  SigningConfig &config = vector.config;
  config.credentials.access_key_id = credentials.at("access_key_id").get<std::string>();
  config.credentials.secret_access_key = credentials.at("secret_access_key").get<std::string>();
  config.credentials.session_token = credentials.value("token", std::string());
  config.region = context.at("region").get<std::string>();
  config.service = context.at("service").get<std::string>();
  std::optional<std::time_t> time = parse_iso8601(context.at("timestamp").get<std::string>());
  if(!time)
    throw std::runtime_error("bad timestamp in " + name);
  config.time = *time;
  // The suite's services normalise and double-encode paths; "normalize"
  // switches only the first off.
  config.path_rules = PathRules{context.value("normalize", true), true};
  vector.sign_body = context.value("sign_body", false);
  config.payload_hash = vector.sign_body ? sha256_hex(vector.body) : std::string(kEmptyPayloadHash);
  config.add_content_sha256_header = vector.sign_body;
  config.omit_session_token = context.value("omit_session_token", false);
  config.expires_seconds = context.value("expiration_in_seconds", 3600L);
  return vector;
}

}  // namespace tracestrip::sigv4::testing
