# The droplet lab's fixed facts, sourced by the lab scripts. test/lab/lab.ts states the same facts
# for the tests; change both together (test/lab/lab.test.ts fails when they disagree).
# shellcheck shell=bash disable=SC2034  # read by the scripts that source this file

LAB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB=$LAB_REPO/.lab

LAB_HOST=127.0.0.1
LAB_SSH_PORT=2222
LAB_USER=deploy
LAB_KEY_PASSPHRASE='correct horse battery staple'
# Where tests put app dirs: deploy owns it, while /opt (the product's default) stays root's.
LAB_APP_ROOT=/srv/bot-deploy-lab

# A second account whose SSH sessions only have compose v1 (docker-compose 1.29, unpacked from
# bookworm's package by lab/compose-v1.sh): `docker compose` fails there, as on an older droplet.
LAB_USER_V1=deploy-v1
LAB_APP_ROOT_V1=/srv/bot-deploy-lab-v1
LAB_COMPOSE_V1_DIR=/opt/compose-v1
LAB_COMPOSE_V1_PACKAGE=1.29.2-3
# deploy-v1's PATH in SSH sessions (sshd SetEnv): the v1 docker-compose and the plugin-less docker first.
LAB_PATH_V1=$LAB_COMPOSE_V1_DIR/bin:/usr/local/bin:/usr/bin:/bin

LAB_REGISTRY=127.0.0.1:5000
LAB_REGISTRY_USER=ci
LAB_REGISTRY_PASSWORD=lab-registry-secret

LAB_NGINX_PORT=8080
LAB_NGINX_CONF=$LAB/nginx/nginx.conf

LAB_PG_PORT=5433
LAB_PG_PASSWORD=lab-pg-secret
LAB_PG_BIN=/usr/lib/postgresql/15/bin

LAB_S3_PORT=9000

LAB_SUDOERS=/etc/sudoers.d/bot-deploy-lab

# Lab-made containers (tests' `docker run`, sample stacks) carry one of these so down.sh finds them.
LAB_APP_LABEL=dev.bot-deploy.app
LAB_TEST_LABEL=dev.bot-deploy.lab
