// One test per folder of the AWS SigV4 suite, header and query signing.
// The folders are listed when the test binary runs, so the suite is read
// from disk at test time; a missing folder fails VectorSuite.FolderIsPresent.
#include <gtest/gtest.h>

#include <string>

#include "tracestrip/sigv4/signer.h"
#include "vector_case.h"

namespace tracestrip::sigv4::testing {
namespace {

namespace fs = std::filesystem;

std::string expected(const std::string &name, const std::string &file)
{
  return read_file(vector_root() / name / file);
}

// The Authorization value written in header-signed-request.txt.
std::string signed_authorization(const std::string &name)
{
  const std::string text = expected(name, "header-signed-request.txt");
  const std::string prefix = "\nAuthorization:";
  size_t at = text.find(prefix);
  if(at == std::string::npos)
    return {};
  at += prefix.size();
  return text.substr(at, text.find('\n', at) - at);
}

TEST(VectorSuite, FolderIsPresent)
{
  ASSERT_TRUE(fs::is_directory(vector_root()))
      << "SigV4 vectors not found at " << vector_root()
      << " (set TRACESTRIP_SIGV4_VECTORS, CMake cache or environment)";
  // aws-c-auth's v4 suite has 38 cases; far fewer means a wrong folder.
  EXPECT_GE(vector_names().size(), 30u);
}

class SigV4Vector : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4Vector, HeaderSigning)
{
  const std::string &name = GetParam();
  VectorCase vector = load_vector(name);
  SigningResult result = sign_request(vector.request, vector.config);

  EXPECT_EQ(result.canonical_request, expected(name, "header-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign, expected(name, "header-string-to-sign.txt"));
  EXPECT_EQ(result.signature, expected(name, "header-signature.txt"));
  EXPECT_EQ(result.authorization, signed_authorization(name));
}

TEST_P(SigV4Vector, QuerySigning)
{
  const std::string &name = GetParam();
  if(!fs::exists(vector_root() / name / "query-signature.txt"))
    GTEST_SKIP() << "no query vector in " << name;
  VectorCase vector = load_vector(name);
  // Presigned URLs carry no body hash header; the suite signs the payload
  // hash the context asks for.
  vector.config.add_content_sha256_header = false;
  SigningResult result = presign_request(vector.request, vector.config);

  EXPECT_EQ(result.canonical_request, expected(name, "query-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign, expected(name, "query-string-to-sign.txt"));
  EXPECT_EQ(result.signature, expected(name, "query-signature.txt"));
}

std::string test_name(const ::testing::TestParamInfo<std::string> &info)
{
  std::string name = info.param;
  for(char &c : name) {
    if(!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Aws, SigV4Vector, ::testing::ValuesIn(vector_names()), test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SigV4Vector);

}  // namespace
}  // namespace tracestrip::sigv4::testing
