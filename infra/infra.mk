# Deploying Switchyard to AWS, and checking the infrastructure code. Included by the Makefile; also
# runs alone from the repository root: make -f infra/infra.mk test-infra
#
#   make deploy           build everything, push the realtime image, terraform apply, upload the
#                         dashboard and the SDK, invalidate CloudFront (see infra/terraform/README.md)
#   make destroy          terraform destroy (after turning protections off: see the README)
#   make test-infra       terraform fmt -check, checkov, and the Terraform-vs-Rust tests
#   make test-localstack  the store and bus suites against LocalStack (needs Docker)

SHELL := /bin/bash
INFRA_MK := $(lastword $(MAKEFILE_LIST))

CARGO ?= cargo
TF ?= terraform
AWS ?= aws
DOCKER ?= docker
COMPOSE ?= docker compose
TF_DIR ?= infra/terraform
TFVARS ?= $(TF_DIR)/terraform.tfvars
TF_BACKEND ?= $(TF_DIR)/backend.hcl
# e.g. TF_APPLY_FLAGS=-auto-approve in CI
TF_APPLY_FLAGS ?=
# The realtime image's platform; keep in step with realtime_cpu_architecture (X86_64 / ARM64).
REALTIME_PLATFORM ?= linux/amd64
# Images are tagged with the commit (tags are immutable); a dirty tree gets a unique suffix.
IMAGE_TAG ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)$(shell git diff --quiet HEAD -- 2>/dev/null || date +-dirty-%Y%m%d%H%M%S)
IMAGE_TAG := $(IMAGE_TAG)

INFRA_VENV ?= .venv
CHECKOV := $(INFRA_VENV)/checkov/bin/checkov --compact --quiet --skip-download

tf = $(TF) -chdir=$(TF_DIR)
tf_vars = -input=false -var-file=$(abspath $(TFVARS)) -var image_tag=$(IMAGE_TAG)

.PHONY: deploy destroy test-infra test-localstack infra-build infra-init infra-image infra-upload

deploy: infra-build infra-init infra-image
	$(tf) apply $(tf_vars) $(TF_APPLY_FLAGS)
	$(MAKE) -f $(INFRA_MK) infra-upload

# The Lambda zips (target/lambda-zips), the dashboard (web/dist) and the SDK (sdk-js/dist).
infra-build:
	$(MAKE) lambda
	cd web && npm ci && npm run build
	cd sdk-js && npm ci && npm run build

infra-init:
	@test -f $(TF_BACKEND) || { echo "$(TF_BACKEND) is missing: copy $(TF_DIR)/backend.hcl.example (see $(TF_DIR)/README.md)"; exit 1; }
	@test -f $(TFVARS) || { echo "$(TFVARS) is missing: copy $(TF_DIR)/terraform.tfvars.example (see $(TF_DIR)/README.md)"; exit 1; }
	$(tf) init -input=false -backend-config=$(abspath $(TF_BACKEND))

# The registry exists before the image is pushed, and the image before the service runs it.
infra-image:
	$(tf) apply $(tf_vars) -target=module.registry $(TF_APPLY_FLAGS)
	set -euo pipefail; \
	repo=$$($(tf) output -raw ecr_repository_url); region=$$(echo "$$repo" | cut -d. -f4); \
	if $(AWS) ecr describe-images --region "$$region" --repository-name "$${repo#*/}" \
	     --image-ids imageTag=$(IMAGE_TAG) >/dev/null 2>&1; then \
	  echo "$$repo:$(IMAGE_TAG) is already pushed"; \
	else \
	  $(AWS) ecr get-login-password --region "$$region" | $(DOCKER) login --username AWS --password-stdin "$${repo%%/*}"; \
	  $(DOCKER) buildx build --platform $(REALTIME_PLATFORM) -f realtime/Dockerfile -t "$$repo:$(IMAGE_TAG)" --push .; \
	fi

# Hashed dashboard assets first (cached for a year), then index.html (with the exact API and feed
# origins pinned in a <meta> policy: infra/pin_csp.py) and the rest (revalidated); config.json is
# Terraform's. The SDK under /sdk/v1/ (short browser cache, long edge cache and an
# invalidation) and under its exact version /sdk/v<x.y.z>/ (immutable); the bundle also as
# switchyard.js, the name the realtime server serves it under (/sdk/v1/switchyard.js).
infra-upload:
	set -euo pipefail; \
	out() { $(tf) output -raw "$$1"; }; \
	region=$$(out region); dashboard=$$(out dashboard_bucket); sdk=$$(out sdk_bucket); \
	s3() { $(AWS) s3 --region "$$region" "$$@"; }; \
	if [ -d web/dist/assets ]; then \
	  s3 sync web/dist/assets "s3://$$dashboard/assets" --cache-control "public, max-age=31536000, immutable"; \
	fi; \
	python3 infra/pin_csp.py web/dist/index.html "$$(out dashboard_pinned_csp)"; \
	s3 sync web/dist "s3://$$dashboard" --delete --exclude config.json --exclude 'assets/*' --cache-control no-cache; \
	version=$$(node -p "require('./sdk-js/package.json').version"); \
	for dir in v1 "v$$version"; do \
	  if [ "$$dir" = v1 ]; then cache="public, max-age=3600, s-maxage=31536000"; else cache="public, max-age=31536000, immutable"; fi; \
	  s3 sync sdk-js/dist "s3://$$sdk/sdk/$$dir" --delete --exclude switchyard.js --cache-control "$$cache"; \
	  s3 cp sdk-js/dist/switchyard.min.js "s3://$$sdk/sdk/$$dir/switchyard.js" --cache-control "$$cache"; \
	done; \
	$(AWS) cloudfront create-invalidation --distribution-id "$$(out dashboard_distribution_id)" --paths '/*' >/dev/null; \
	$(AWS) cloudfront create-invalidation --distribution-id "$$(out sdk_distribution_id)" --paths '/sdk/v1/*' >/dev/null; \
	echo "dashboard: $$(out dashboard_url)"; echo "sdk: $$(out sdk_url)"

destroy: infra-init
	$(tf) destroy $(tf_vars) $(TF_APPLY_FLAGS)

# Runs in make test. terraform init/validate need the providers (the internet), so only fmt here.
test-infra:
	scripts/install-infra-tools.sh
	@if command -v $(TF) >/dev/null 2>&1; then \
	  echo "terraform fmt -check -recursive $(TF_DIR)"; $(TF) fmt -check -recursive -diff $(TF_DIR); \
	else \
	  echo "terraform is not installed: skipping terraform fmt -check (checkov and the tests still run)"; \
	fi
	$(CHECKOV) --framework terraform -d infra
	$(CHECKOV) --framework dockerfile -f realtime/Dockerfile
	$(CHECKOV) --framework github_actions -d .github/workflows
	$(INFRA_VENV)/bin/python -B -m pytest -q -p no:cacheprovider infra/tests

# The DynamoDB contract suite against LocalStack and the bus suite (which starts its own
# redis-server from PATH or SWITCHYARD_REDIS_SERVER: it restarts it mid-test). Needs Docker.
test-localstack:
	$(COMPOSE) -f infra/compose.yaml up -d --wait
	status=0; \
	AWS_ENDPOINT_URL=http://localhost:4566 $(CARGO) test -p switchyard-core --test store_contract --test bus || status=$$?; \
	$(COMPOSE) -f infra/compose.yaml down; \
	exit $$status
