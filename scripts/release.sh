#!/usr/bin/env bash
# Releases bot-deploy: tags the current commit of main as vX.Y.Z (annotated, never moved again) and
# moves the major tag vX to it, so `uses: <org>/bot-deploy/<action>@vX` users get the release.
#
#   scripts/release.sh vX.Y.Z           tag locally and print the push commands
#   scripts/release.sh vX.Y.Z --push    tag and push: the release tag, then the major tag (forced)
#
# Refuses unless: on branch main with no changes or untracked files, at origin/main when that ref
# is known, the version is strict semver vMAJOR.MINOR.PATCH, its tag does not exist, it is higher
# than every vMAJOR.*.* tag, the commit vMAJOR points at is part of this one, and
# `npm run check-dist` passes. RELEASE_SKIP_CHECKS=1 skips only check-dist (the release script's
# own tests use it, in scratch repositories without the build); never use it for a real release.
#
# The major tag is lightweight on purpose: it is a pointer that moves, not a release record (the
# annotated vX.Y.Z is that, with tagger and date), and `git describe` then names a commit by its
# release, v1.2.3, never by the moving v1.
set -euo pipefail

usage() {
  echo "usage: scripts/release.sh vMAJOR.MINOR.PATCH [--push]" >&2
  exit 2
}

fail() {
  echo "release: $*" >&2
  exit 1
}

version=''
push=false
for arg in "$@"; do
  case "$arg" in
    --push) push=true ;;
    -*) usage ;;
    *) [[ -z "$version" ]] || usage; version="$arg" ;;
  esac
done
[[ -n "$version" ]] || usage

# Strict semver with a leading v and no pre-release or build suffix: a vX.Y.Z-rc.1 must not move vX.
semver='^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'
[[ "$version" =~ $semver ]] || fail "\"$version\" is not a version like v1.2.3 (vMAJOR.MINOR.PATCH, no leading zeros, no suffix)."
major="${BASH_REMATCH[1]}"
major_tag="v$major"

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || fail "not inside a git work tree."
cd "$(git rev-parse --show-toplevel)"

branch="$(git symbolic-ref --quiet --short HEAD || true)"
[[ "$branch" == "main" ]] || fail "releases are made from main, and this work tree is on ${branch:-a detached HEAD}: git switch main."
[[ -z "$(git status --porcelain --untracked-files=normal)" ]] ||
  fail "the work tree has changes or untracked files (git status): a release is a commit, so commit or remove them first."
if git rev-parse --quiet --verify refs/remotes/origin/main >/dev/null; then
  [[ "$(git rev-parse HEAD)" == "$(git rev-parse refs/remotes/origin/main)" ]] ||
    fail "main is not at origin/main: push main (or pull) first, so the release is a commit of the published main."
fi

git rev-parse --quiet --verify "refs/tags/$version" >/dev/null && fail "tag $version already exists: releases are never re-tagged; pick the next version."

# 0 when version $1 is higher than $2 (both strict vX.Y.Z).
version_gt() {
  local -a a b
  IFS=. read -r -a a <<<"${1#v}"
  IFS=. read -r -a b <<<"${2#v}"
  local i
  for i in 0 1 2; do
    ((10#${a[$i]} > 10#${b[$i]})) && return 0
    ((10#${a[$i]} < 10#${b[$i]})) && return 1
  done
  return 1
}

# The highest release of this major so far: vX never goes back to an older one.
highest=''
while IFS= read -r tag; do
  [[ "$tag" =~ $semver ]] || continue
  if [[ -z "$highest" ]] || version_gt "$tag" "$highest"; then highest="$tag"; fi
done < <(git tag --list "$major_tag.*.*")
if [[ -n "$highest" ]] && ! version_gt "$version" "$highest"; then
  fail "$version is not higher than $highest, the newest $major_tag release: $major_tag would move backwards."
fi
if git rev-parse --quiet --verify "refs/tags/$major_tag" >/dev/null; then
  current="$(git rev-parse "refs/tags/$major_tag^{commit}")"
  git merge-base --is-ancestor "$current" HEAD ||
    fail "$major_tag points at $(git describe --tags --exact-match "$current" 2>/dev/null || echo "$current"), which this commit does not contain: moving $major_tag here would take changes away from its users."
fi

if [[ "${RELEASE_SKIP_CHECKS:-}" == "1" ]]; then
  echo "release: RELEASE_SKIP_CHECKS=1: not running npm run check-dist." >&2
else
  npm run --silent check-dist || fail "npm run check-dist failed: run npm run build, commit dist/, the action.yml files and README.md, then release."
fi

commit="$(git rev-parse HEAD)"
git tag --annotate "$version" --message "bot-deploy $version" "$commit"
git tag --force "$major_tag" "$commit" >/dev/null
echo "Tagged $commit as $version and moved $major_tag to it."

# The release tag first: vX never points at a commit whose release tag is not published.
push_release=(git push origin "refs/tags/$version")
push_major=(git push --force origin "refs/tags/$major_tag")
if [[ "$push" == true ]]; then
  "${push_release[@]}"
  "${push_major[@]}"
  echo "Pushed $version and $major_tag."
else
  echo "To publish (or run again with --push):"
  echo "  ${push_release[*]}"
  echo "  ${push_major[*]}"
fi
