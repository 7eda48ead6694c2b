#include "object_store.h"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tracestrip/sigv4/crypto.h"
#include "tracestrip/sigv4/uri.h"

namespace tracestrip::checkpoint {

namespace fs = std::filesystem;

namespace {

// On disk each object is two files named after the percent-encoded key,
// so that no key can climb out of its bucket folder ("../x") or collide
// with the metadata file.
const char *const kDataSuffix = ".data";
const char *const kMetaSuffix = ".meta.json";

std::string read_whole(const fs::path &path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void write_whole(const fs::path &path, const std::string &content)
{
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if(!out)
    throw std::runtime_error("cannot write " + path.string());
}

bool ends_with(const std::string &text, const std::string &suffix)
{
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string md5_hex(const std::string &data)
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if(!EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr))
    throw std::runtime_error("EVP_Digest(MD5) failed");
  return sigv4::hex_encode(std::string(reinterpret_cast<const char *>(digest), length));
}

ObjectStore::ObjectStore(fs::path root) : root_(std::move(root))
{
  if(!root_.empty()) {
    fs::create_directories(root_);
    load();
  }
}

fs::path ObjectStore::bucket_dir(const std::string &bucket) const
{
  return root_ / sigv4::uri_encode(bucket, false);
}

fs::path ObjectStore::object_file(const std::string &bucket, const std::string &key) const
{
  return bucket_dir(bucket) / sigv4::uri_encode(key, false);
}

void ObjectStore::load()
{
  for(const fs::directory_entry &bucket_entry : fs::directory_iterator(root_)) {
    if(!bucket_entry.is_directory())
      continue;
    std::string bucket = sigv4::uri_decode(bucket_entry.path().filename().string());
    Bucket &objects = buckets_[bucket];
    for(const fs::directory_entry &entry : fs::directory_iterator(bucket_entry.path())) {
      std::string name = entry.path().filename().string();
      if(!ends_with(name, kMetaSuffix))
        continue;
      std::string encoded_key = name.substr(0, name.size() - std::string(kMetaSuffix).size());
      nlohmann::json meta = nlohmann::json::parse(read_whole(entry.path()));
      StoredObject object;
      object.data = read_whole(bucket_entry.path() / (encoded_key + kDataSuffix));
      object.content_type = meta.value("content_type", std::string());
      object.metadata = meta.value("metadata", std::map<std::string, std::string>());
      object.etag = md5_hex(object.data);
      object.last_modified = meta.value("last_modified", std::time_t{0});
      objects[sigv4::uri_decode(encoded_key)] = std::move(object);
    }
  }
}

void ObjectStore::save_object(const std::string &bucket, const std::string &key,
                              const StoredObject &object) const
{
  if(root_.empty())
    return;
  fs::path base = object_file(bucket, key);
  write_whole(base.string() + kDataSuffix, object.data);
  nlohmann::json meta = {{"key", key},
                         {"content_type", object.content_type},
                         {"metadata", object.metadata},
                         {"last_modified", object.last_modified}};
  write_whole(base.string() + kMetaSuffix, meta.dump(2));
}

StoreResult ObjectStore::create_bucket(const std::string &bucket)
{
  std::lock_guard<std::mutex> lock(mutex_);
  if(buckets_.count(bucket))
    return StoreResult::kBucketExists;
  buckets_[bucket];
  if(!root_.empty())
    fs::create_directories(bucket_dir(bucket));
  return StoreResult::kOk;
}

StoreResult ObjectStore::delete_bucket(const std::string &bucket)
{
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = buckets_.find(bucket);
  if(found == buckets_.end())
    return StoreResult::kNoSuchBucket;
  if(!found->second.empty())
    return StoreResult::kBucketNotEmpty;
  buckets_.erase(found);
  if(!root_.empty())
    fs::remove_all(bucket_dir(bucket));
  return StoreResult::kOk;
}

bool ObjectStore::has_bucket(const std::string &bucket) const
{
  std::lock_guard<std::mutex> lock(mutex_);
  return buckets_.count(bucket) != 0;
}

std::vector<std::string> ObjectStore::buckets() const
{
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for(const auto &entry : buckets_)
    names.push_back(entry.first);
  return names;
}

StoreResult ObjectStore::put_object(const std::string &bucket, const std::string &key,
                                    StoredObject object)
{
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = buckets_.find(bucket);
  if(found == buckets_.end())
    return StoreResult::kNoSuchBucket;
  object.etag = md5_hex(object.data);
  save_object(bucket, key, object);
  found->second[key] = std::move(object);
  return StoreResult::kOk;
}

StoreResult ObjectStore::get_object(const std::string &bucket, const std::string &key,
                                    StoredObject &object) const
{
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = buckets_.find(bucket);
  if(found == buckets_.end())
    return StoreResult::kNoSuchBucket;
  auto item = found->second.find(key);
  if(item == found->second.end())
    return StoreResult::kNoSuchKey;
  object = item->second;
  return StoreResult::kOk;
}

StoreResult ObjectStore::delete_object(const std::string &bucket, const std::string &key)
{
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = buckets_.find(bucket);
  if(found == buckets_.end())
    return StoreResult::kNoSuchBucket;
  // S3 answers a delete of a missing key with success as well.
  if(found->second.erase(key) && !root_.empty()) {
    fs::path base = object_file(bucket, key);
    fs::remove(base.string() + kDataSuffix);
    fs::remove(base.string() + kMetaSuffix);
  }
  return StoreResult::kOk;
}

StoreResult ObjectStore::list_objects(const std::string &bucket, const std::string &prefix,
                                      const std::string &start_after, std::size_t max_keys,
                                      Listing &listing) const
{
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = buckets_.find(bucket);
  if(found == buckets_.end())
    return StoreResult::kNoSuchBucket;
  const Bucket &objects = found->second;
  auto item = start_after.empty() ? objects.lower_bound(prefix) : objects.upper_bound(start_after);
  for(; item != objects.end(); ++item) {
    if(item->first.compare(0, prefix.size(), prefix) != 0) {
      if(item->first > prefix)
        break;
      continue;
    }
    if(listing.objects.size() == max_keys) {
      listing.truncated = true;
      listing.next_token = listing.objects.empty() ? std::string() : listing.objects.back().key;
      break;
    }
    listing.objects.push_back(
        {item->first, item->second.etag, item->second.data.size(), item->second.last_modified});
  }
  return StoreResult::kOk;
}

}  // namespace tracestrip::checkpoint
