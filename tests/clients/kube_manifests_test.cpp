#include "clients/kube_manifests.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace dbguard;
using clients::delete_manifests;
using clients::storage_kinds;
namespace fs = std::filesystem;

namespace {

class KubeManifests : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("dbguard-kube-" + std::to_string(::getpid()));
    fs::create_directories(dir / "k8s" / "sub");
    fs::create_directories(dir / "overlay");
    write("app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\nkind: Service\n");
    write("pvc.yaml", "# storage\nkind: Deployment\n---\napiVersion: v1\nkind: PersistentVolumeClaim\n");
    write("k8s/ns.json", "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"data\"}}");
    write("k8s/sub/pv.yml", "kind: PersistentVolume\n");
    write("k8s/kustomization.yaml", "resources:\n- ns.json\n");
    write("overlay/kustomization.yaml", "namespace: data\nresources:\n  - ../app.yaml\n  - ../k8s\n");
  }
  void TearDown() override { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& body) { std::ofstream(dir / name) << body; }
  clients::ManifestFindings run(std::initializer_list<const char*> words, Input in = {}) {
    Invocation inv;
    for (const char* w : words) inv.argv.push_back(Arg{w, false});
    inv.cwd = dir.string();
    inv.stdin_source = std::move(in);
    return delete_manifests(inv);
  }
  fs::path dir;
};

TEST(StorageKinds, DocumentsListsAndJson) {
  EXPECT_TRUE(storage_kinds("kind: Deployment\n---\nkind: Service\n", "x").empty());
  EXPECT_EQ(storage_kinds("kind: Deployment\n---\nkind: \"PersistentVolumeClaim\"\n", "x").size(), 1u);
  // a StatefulSet's claim templates are not deleted with it
  EXPECT_TRUE(storage_kinds("kind: StatefulSet\nspec:\n  volumeClaimTemplates:\n  - kind: PersistentVolumeClaim\n", "x").empty());
  EXPECT_EQ(storage_kinds("kind: StatefulSet\nspec:\n  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete\n", "x").size(), 1u);
  EXPECT_EQ(storage_kinds("apiVersion: v1\nkind: List\nitems:\n- kind: ConfigMap\n- kind: Namespace\n", "x").size(), 1u);
  EXPECT_EQ(storage_kinds("{\"kind\":\"List\",\"items\":[{\"kind\":\"PersistentVolume\"}]}", "x").size(), 1u);
  EXPECT_EQ(storage_kinds("kind: PersistentVolumeClaimList\n", "x").size(), 1u);
}

TEST_F(KubeManifests, FilesDirectoriesAndKustomizations) {
  EXPECT_FALSE(run({"kubectl", "delete", "pod", "x"}).applies);
  auto app = run({"kubectl", "delete", "-f", "app.yaml"});
  EXPECT_TRUE(app.applies);
  EXPECT_TRUE(app.storage.empty());
  EXPECT_TRUE(app.unreadable.empty());
  EXPECT_EQ(run({"kubectl", "delete", "-f", "app.yaml", "-f", "pvc.yaml"}).storage.size(), 1u);
  EXPECT_EQ(run({"kubectl", "-n", "x", "delete", "--filename=pvc.yaml"}).storage.size(), 1u);
  EXPECT_EQ(run({"kubectl", "delete", "-f", "k8s/"}).storage.size(), 1u);         // ns.json, not sub/
  EXPECT_EQ(run({"kubectl", "delete", "-R", "-f", "k8s"}).storage.size(), 2u);    // and sub/pv.yml
  EXPECT_EQ(run({"kubectl", "delete", "-Rf", "k8s"}).storage.size(), 2u);          // combined shorthand
  EXPECT_EQ(run({"kubectl", "delete", "-fpvc.yaml"}).storage.size(), 1u);
  EXPECT_EQ(run({"kubectl", "delete", "-f=pvc.yaml"}).storage.size(), 1u);
  EXPECT_EQ(run({"kubectl", "delete", "-lapp=x", "-f", "pvc.yaml"}).storage.size(), 1u);
  EXPECT_EQ(run({"oc", "delete", "-k", "overlay"}).storage.size(), 1u);           // ../k8s's own kustomization
  EXPECT_TRUE(run({"kubectl", "delete", "-k", "overlay"}).unreadable.empty());
}

TEST_F(KubeManifests, WhatCannotBeReadIsReported) {
  EXPECT_EQ(run({"kubectl", "delete", "-f", "missing.yaml"}).unreadable.size(), 1u);
  EXPECT_EQ(run({"kubectl", "delete", "-f", "https://example.com/x.yaml"}).unreadable.size(), 1u);
  EXPECT_EQ(run({"kubectl", "delete", "-f", "-"}).unreadable.size(), 1u);
  EXPECT_EQ(run({"kubectl", "delete", "-f", "-"}, Input{Input::Kind::Opaque, "curl", "pipe from curl", false})
                .unreadable.size(), 1u);
  auto heredoc = run({"kubectl", "delete", "-f", "-"}, Input{Input::Kind::Text, "kind: Namespace\n", "heredoc", false});
  EXPECT_TRUE(heredoc.unreadable.empty());
  EXPECT_EQ(heredoc.storage.size(), 1u);
  write("overlay/kustomization.yaml", "resources:\n- github.com/org/repo/deploy?ref=main\n");
  EXPECT_EQ(run({"kubectl", "delete", "-k", "overlay"}).unreadable.size(), 1u);
  write("overlay/kustomization.yaml", "resources:\n- gone.yaml\n");
  EXPECT_EQ(run({"kubectl", "delete", "-k", "overlay"}).unreadable.size(), 1u);
  EXPECT_EQ(run({"kubectl", "delete", "-k", "app.yaml"}).unreadable.size(), 1u);  // no kustomization there
  write("big.yaml", "kind: Deployment\n" + std::string(2u << 20, '#'));
  EXPECT_EQ(run({"kubectl", "delete", "-f", "big.yaml"}).oversize.size(), 1u);
  Invocation dynamic;
  dynamic.argv = {Arg{"kubectl", false}, Arg{"delete", false}, Arg{"-f", false}, Arg{"$M", true}};
  EXPECT_EQ(delete_manifests(dynamic).unreadable.size(), 1u);
}

}  // namespace
