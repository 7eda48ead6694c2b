// Buckets and objects of the checkpoint: kept in memory and, with a data
// directory, mirrored to disk so that they survive a restart.
#ifndef TRACESTRIP_CHECKPOINT_OBJECT_STORE_H
#define TRACESTRIP_CHECKPOINT_OBJECT_STORE_H

#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tracestrip::checkpoint {

struct StoredObject {
  std::string data;
  std::string content_type;
  std::map<std::string, std::string> metadata;  // x-amz-meta-* name (lower) -> value
  std::string etag;                             // hex MD5 of data, without quotes
  std::time_t last_modified = 0;
};

struct ObjectSummary {
  std::string key;
  std::string etag;
  std::size_t size = 0;
  std::time_t last_modified = 0;
};

struct Listing {
  std::vector<ObjectSummary> objects;
  bool truncated = false;
  std::string next_token;  // the last key returned, when truncated
};

enum class StoreResult { kOk, kNoSuchBucket, kNoSuchKey, kBucketExists, kBucketNotEmpty };

class ObjectStore {
public:
  // Empty root: memory only. Otherwise loads what root holds and writes
  // every change through to it.
  explicit ObjectStore(std::filesystem::path root = {});

  StoreResult create_bucket(const std::string &bucket);
  StoreResult delete_bucket(const std::string &bucket);
  bool has_bucket(const std::string &bucket) const;
  std::vector<std::string> buckets() const;

  StoreResult put_object(const std::string &bucket, const std::string &key, StoredObject object);
  StoreResult get_object(const std::string &bucket, const std::string &key,
                         StoredObject &object) const;
  StoreResult delete_object(const std::string &bucket, const std::string &key);
  // Keys beginning with prefix, in byte order, after start_after.
  StoreResult list_objects(const std::string &bucket, const std::string &prefix,
                           const std::string &start_after, std::size_t max_keys,
                           Listing &listing) const;

private:
  using Bucket = std::map<std::string, StoredObject>;

  void load();
  std::filesystem::path bucket_dir(const std::string &bucket) const;
  std::filesystem::path object_file(const std::string &bucket, const std::string &key) const;
  void save_object(const std::string &bucket, const std::string &key,
                   const StoredObject &object) const;

  std::filesystem::path root_;
  mutable std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

// Hex MD5, S3's ETag of a single-part object.
std::string md5_hex(const std::string &data);

}  // namespace tracestrip::checkpoint

#endif
