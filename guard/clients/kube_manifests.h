// `kubectl delete -f FILE|DIR|URL|-` and `-k DIR`: the objects a delete names
// through manifests. The manifests are read (relative to the command's
// directory, bounded like scripts) and each document's kind is looked at; one
// that holds storage (PersistentVolumeClaim, PersistentVolume, Namespace, also
// inside a List) is reported. What cannot be read (a URL, stdin from a pipe, a
// missing file, a kustomization resource that cannot be resolved) is reported
// too: a delete of objects the guard cannot see fails closed.
#pragma once

#include <string>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard::clients {

struct ManifestFindings {
  bool applies = false;                  // a kubectl/oc delete with -f / -k
  std::vector<std::string> storage;      // "PersistentVolumeClaim in k8s/pvc.yaml"
  std::vector<std::string> unreadable;   // why a manifest could not be judged
  std::vector<std::string> oversize;     // a manifest over the read bound
};

struct ManifestLimits {
  std::size_t max_file_bytes = 1u << 20;  // like scripts; a larger manifest is denied
  std::size_t max_files = 256;             // files read for one delete (directories, kustomizations)
  int max_depth = 8;                       // kustomizations including kustomizations
};

ManifestFindings delete_manifests(const Invocation& inv, const ManifestLimits& limits = {});

// The storage-holding kinds the manifest text declares (one entry per object);
// `origin` names the text in each entry. Exposed for tests.
std::vector<std::string> storage_kinds(const std::string& text, const std::string& origin);

}  // namespace dbguard::clients
