# wrappers.mk — the targets for people: start/stop the services, backups, restore (issue 3).
#
# Included by dbguard's Makefile; a project that uses dbguard includes it from its own Makefile:
#     include path/to/dbguard/wrappers/wrappers.mk
# and runs make in its project directory (where its compose file is).
#
#   make up             start the services, with the postgres-backup sidecar beside `db`
#   make down           stop the services; volumes (the data) are kept
#   make down-volumes   stop and DELETE the volumes: safety backup, list, typed DELETE-VOLUMES
#   make backup         one backup cycle now (in the postgres-backup service)
#   make backups        list the backups, newest first, with sizes and ages
#   make restore        interactive restore (in the postgres-backup service; asks on the terminal)
#                       RESTORE_ARGS="--latest --db app" for a non-interactive one (see restore.sh --help)
#
# Variables: COMPOSE (default "docker compose"), DB_COMPOSE_FILE (default: the first of compose.yaml,
# compose.yml, docker-compose.yaml, docker-compose.yml here), BACKUP_ROOT (default backups),
# BACKUP_SERVICE (default postgres-backup).

DBGUARD_WRAPPERS_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

COMPOSE         ?= docker compose
DB_COMPOSE_FILE ?= $(firstword $(wildcard compose.yaml compose.yml docker-compose.yaml docker-compose.yml))
BACKUP_ROOT     ?= backups
BACKUP_SERVICE  ?= postgres-backup
RESTORE_ARGS    ?=

# The project's compose file plus the backup service; DBGUARD_WRAPPERS_DIR tells the overlay
# where the scripts are.
DBGUARD_COMPOSE = DBGUARD_WRAPPERS_DIR=$(DBGUARD_WRAPPERS_DIR) BACKUP_HOST_DIR=$(abspath $(BACKUP_ROOT)) \
  $(COMPOSE) -f $(DB_COMPOSE_FILE) -f $(DBGUARD_WRAPPERS_DIR)/docker-compose.backup.yml

dbguard_need_compose_file = $(if $(DB_COMPOSE_FILE),,$(error no compose file here (compose.yaml, docker-compose.yml, ...): run make in the project directory or set DB_COMPOSE_FILE=path))

.PHONY: up down down-volumes backup backups restore

up:
	$(dbguard_need_compose_file)
	@mkdir -p $(BACKUP_ROOT)
	$(DBGUARD_COMPOSE) up -d

down:
	$(dbguard_need_compose_file)
	$(DBGUARD_COMPOSE) down

down-volumes:
	$(dbguard_need_compose_file)
	BACKUP_ROOT=$(BACKUP_ROOT) BACKUP_SERVICE=$(BACKUP_SERVICE) DBGUARD_WRAPPERS_DIR=$(DBGUARD_WRAPPERS_DIR) \
	  BACKUP_HOST_DIR=$(abspath $(BACKUP_ROOT)) \
	  bash $(DBGUARD_WRAPPERS_DIR)/safe-docker-down.sh $(COMPOSE) -f $(DB_COMPOSE_FILE) \
	  -f $(DBGUARD_WRAPPERS_DIR)/docker-compose.backup.yml down --volumes

backup:
	$(dbguard_need_compose_file)
	$(DBGUARD_COMPOSE) exec -T $(BACKUP_SERVICE) bash /opt/dbguard/backup-sidecar.sh --once

backups:
	@BACKUP_DIR=$(BACKUP_ROOT) bash $(DBGUARD_WRAPPERS_DIR)/restore.sh --list

restore:
	$(dbguard_need_compose_file)
	$(DBGUARD_COMPOSE) exec $(BACKUP_SERVICE) bash /opt/dbguard/restore.sh $(RESTORE_ARGS)
