#!/usr/bin/env bash
# Pins the Dockerfiles' base images by digest: resolves each `ARG *_IMAGE=name:tag@sha256:...` default
# anew from its registry and rewrites the digest (or, with --check, only verifies that every pinned
# digest still exists). Needs network access and `docker buildx` or `crane`.
#   docker/pin-base-images.sh            # refresh the digests, then review `git diff docker/`
#   docker/pin-base-images.sh --check    # verify them (exit 1 on a digest the registry does not know)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-refresh}"

digest_of() {  # prints the index (multi-platform) digest of an image reference
  if command -v docker >/dev/null && docker buildx version >/dev/null 2>&1; then
    docker buildx imagetools inspect --format '{{.Manifest.Digest}}' "$1"
  elif command -v crane >/dev/null; then
    crane digest "$1"
  else
    echo "pin-base-images: needs 'docker buildx' or 'crane'" >&2
    exit 2
  fi
}

status=0
for file in "$here"/Dockerfile.*; do
  [[ "$file" == *.dockerignore ]] && continue
  while IFS= read -r line; do
    ref="${line#*=}"
    name="${ref%@*}"
    pinned="${ref#*@}"
    if [[ "$mode" == "--check" ]]; then
      if digest_of "$name@$pinned" >/dev/null 2>&1; then
        echo "ok       $(basename "$file"): $name@$pinned"
      else
        echo "MISSING  $(basename "$file"): $name@$pinned" >&2
        status=1
      fi
    else
      fresh="$(digest_of "$name")"
      if [[ "$fresh" != "$pinned" ]]; then
        sed -i "s|$name@$pinned|$name@$fresh|" "$file"
        echo "updated  $(basename "$file"): $name@$fresh"
      else
        echo "current  $(basename "$file"): $name@$pinned"
      fi
    fi
  done < <(grep -E '^ARG [A-Z_]+_IMAGE=[^ ]+@sha256:[0-9a-f]{64}$' "$file" | sed 's/^ARG //')
done
exit "$status"
