// The CertBoost LMS API from Node.js 18+ with plain fetch, no packages.
//
//   BASE_URL  the API root, e.g. http://localhost:3000/api/lms/v1
//   CB_KEY    an API key (ReadWrite for the assignment)
//   USER_ID   the learner
//
// Run: node examples/samples/node-fetch.mjs
const { BASE_URL, CB_KEY, USER_ID } = process.env;

if (!BASE_URL || !CB_KEY || !USER_ID) {
  console.error('Set BASE_URL, CB_KEY and USER_ID.');
  process.exit(2);
}

/** Calls the API; a non-2xx answer throws with the server's message. */
async function api(path, init = {}) {
  const response = await fetch(`${BASE_URL}${path}`, {
    ...init,
    headers: {
      'X-CertBoost-Key': CB_KEY,
      'Content-Type': 'application/json',
      ...init.headers,
    },
  });
  const body = await response.json();

  if (!response.ok) {
    throw new Error(`HTTP ${response.status}: ${body.error}`);
  }

  return body;
}

try {
  const directory = await api('');
  console.log(`Directory: ${directory.service} ${directory.version}, ` +
    `${directory.endpoints.length} endpoints, docs at ${directory.docs}`);

  const categories = await api('/categories?search=aws');
  console.log('Categories matching "aws": ' +
    categories.map((c) => `${c.code} (${c.name})`).join(', '));

  const userPath = `/users/${encodeURIComponent(USER_ID)}/progress`;
  const progress = await api(`${userPath}?recent=10`);
  console.log(`Progress of ${progress.fullName}: ` +
    `${progress.attempts.length} recent attempts`);

  const assignment = await api('/assignments', {
    method: 'POST',
    body: JSON.stringify({
      userId: USER_ID,
      categoryId: 42,
      dueAt: '2026-05-01T00:00:00Z',
    }),
  });
  console.log(`Assignment ${assignment.assignmentId} due ${assignment.dueAt}`);
  console.log(`Launch URL: ${assignment.launchUrl}`);
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
}
