// What a Terraform configuration directory declares, read from its *.tf files
// (bounded: 200 files, 1 MiB each). Used to tell whether an untargeted
// `terraform destroy` would destroy a database resource.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "unwrap/invocation.h"

namespace dbguard::clients {

// The directory a terraform/tofu/terragrunt invocation works in (-chdir=DIR, else cwd).
std::string terraform_dir(const Invocation& inv);

// The workspace `terraform workspace select` left in DIR/.terraform/environment, or "".
std::string selected_workspace(const std::string& dir);

// The first database resource or module declared in `dir` ("aws_db_instance.main",
// "module.rds"), or "" when none is. `resource_types` are resource type names,
// `module_words` words that mark a module as holding a database.
std::string declared_database(const std::string& dir, std::span<const std::string_view> resource_types,
                              std::span<const std::string_view> module_words);

}  // namespace dbguard::clients
