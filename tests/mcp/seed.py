"""Seeds a fresh server over the API: a recruiter (plan granted by the
runner with `restume admin grant`) and a few candidates, one private.
Prints the recruiter's API key and JWT.

usage: seed.py BASE_URL
"""

import json
import sys
import urllib.request

BASE = sys.argv[1]
PASSWORD = "correct horse battery"


def call(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req) as r:
        text = r.read()
        return json.loads(text) if text else None


def user(name):
    call("POST", "/v1/auth/register", {"username": name, "email": f"{name}@example.com",
                                        "password": PASSWORD, "full_name": f"{name.title()} Example"})
    return call("POST", "/v1/auth/login", {"username": name, "password": PASSWORD})["access_token"]


ada = user("ada")
call("PATCH", "/v1/me/profile", {"headline": "Backend engineer", "location": "London",
                                  "open_to_work": True}, ada)
for name, years in [("Rust", 6), ("PostgreSQL", 4)]:
    call("POST", "/v1/me/skills", {"name": name, "years": years}, ada)
call("POST", "/v1/me/experience", {"company": "Acme", "title": "Engineer", "start_date": "2015-01",
                                    "end_date": "2020-12", "summary": "Services on k8s"}, ada)
bob = user("bob")
call("POST", "/v1/me/skills", {"name": "Python"}, bob)
eve = user("eve")
call("PATCH", "/v1/me/profile", {"is_public": False, "headline": "SECRET"}, eve)
rita = user("rita")
call("PATCH", "/v1/me/profile", {"is_public": False}, rita)
key = call("POST", "/v1/auth/api-keys", {"name": "assistant"}, rita)["raw_key"]
print(key)
print(rita)
