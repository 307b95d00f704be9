#!/usr/bin/env node
// Reads GET /api/posture/overview from stdin; succeeds when the demo services are scored with both grades A and F.
let s = '';
process.stdin.on('data', d => (s += d)).on('end', () => {
  let body;
  try {
    body = JSON.parse(s);
  } catch {
    process.exit(1);
  }
  const grades = new Set();
  for (const row of body.rows ?? []) if (row.grade) grades.add(row.grade);
  if (grades.has('A') && grades.has('F')) {
    console.log(`[install-test] overview: ${body.total} services, grades ${[...grades].sort().join(' ')}`);
    process.exit(0);
  }
  process.exit(1);
});
