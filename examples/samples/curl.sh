#!/usr/bin/env bash
# The CertBoost LMS API from the shell with curl.
#
#   BASE_URL  the API root, e.g. http://localhost:3000/api/lms/v1
#   CB_KEY    an API key (master or user-scoped, ReadWrite for the POST)
#   USER_ID   the learner whose progress to read and who gets an assignment
#
# curl -f turns an HTTP error into a non-zero exit, so the script stops at
# the first failed call (set -e) and prints the server's status.
set -euo pipefail

: "${BASE_URL:?set BASE_URL to the API root}"
: "${CB_KEY:?set CB_KEY to an API key}"
: "${USER_ID:?set USER_ID to a user id}"

call() {
  curl -fsS -H "X-CertBoost-Key: ${CB_KEY}" "$@"
  echo
}

echo "== Directory"
call "${BASE_URL}"

echo "== Categories matching \"aws\""
call "${BASE_URL}/categories?search=aws"

echo "== Progress of ${USER_ID}, 10 newest attempts"
call "${BASE_URL}/users/${USER_ID}/progress?recent=10"

echo "== New assignment"
body="{\"userId\":\"${USER_ID}\",\"categoryId\":42,"
body+="\"dueAt\":\"2026-05-01T00:00:00Z\",\"note\":\"AWS SAA prep\"}"
call -X POST "${BASE_URL}/assignments" \
  -H "Content-Type: application/json" \
  -d "${body}"
