"""The CertBoost LMS API from Python 3 with the standard library only.

    BASE_URL  the API root, e.g. http://localhost:3000/api/lms/v1
    CB_KEY    an API key (ReadWrite for the assignment)
    USER_ID   the learner

Run: python3 examples/samples/python_stdlib.py
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = os.environ.get("BASE_URL", "")
KEY = os.environ.get("CB_KEY", "")
USER_ID = os.environ.get("USER_ID", "")


def api(path, payload=None):
    """Calls the API; a non-2xx answer raises with the server's message."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(
        BASE + path,
        data=data,
        method="GET" if payload is None else "POST",
        headers={"X-CertBoost-Key": KEY, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        message = json.load(error).get("error", "")
        raise SystemExit(f"HTTP {error.code}: {message}") from None


def main():
    if not (BASE and KEY and USER_ID):
        sys.exit("Set BASE_URL, CB_KEY and USER_ID.")

    directory = api("")
    print(f"Directory: {directory['service']} {directory['version']}, "
          f"{len(directory['endpoints'])} endpoints, docs at {directory['docs']}")

    categories = api("/categories?" + urllib.parse.urlencode({"search": "aws"}))
    print('Categories matching "aws": '
          + ", ".join(f"{c['code']} ({c['name']})" for c in categories))

    user = urllib.parse.quote(USER_ID, safe="")
    progress = api(f"/users/{user}/progress?recent=10")
    print(f"Progress of {progress['fullName']}: "
          f"{len(progress['attempts'])} recent attempts")

    assignment = api("/assignments", {
        "userId": USER_ID,
        "categoryId": 42,
        "dueAt": "2026-05-01T00:00:00Z",
    })
    print(f"Assignment {assignment['assignmentId']} due {assignment['dueAt']}")
    print(f"Launch URL: {assignment['launchUrl']}")


if __name__ == "__main__":
    main()
