#!/usr/bin/env node
// validate.js FILE...: checks Kubernetes manifests offline against the API's
// schema, as tests/kubernetes.bats uses it.
//
// The schema is the one the npm package kubernetes-models (4.5.x) was
// generated from: Kubernetes 1.33's OpenAPI spec, compiled into a validator
// per type (types, enums, required fields).  That validator does not refuse
// fields the schema does not know, which the API server does (kubectl's
// default --validate=strict); so every field of a document must also be one
// the validator looked at, or it is reported as unknown.  Maps (labels, a
// ConfigMap's data) are walked by the validator key by key, so their keys
// count as seen.
//
// YAML is read as YAML 1.1, as kubectl reads it (yes/no are booleans, 0644 is
// octal); duplicate keys are errors.  One line per document on stdout
// ("FILE: KIND NAMESPACE/NAME: ok"), one per problem on stderr; exit 0 when
// every document is valid, 1 otherwise, 2 for a usage error.
"use strict";

const fs = require("fs");
const YAML = require("yaml");

function usage() {
  process.stderr.write("usage: node validate.js FILE...\n");
  process.exit(2);
}

// The model class for apiVersion/kind: kubernetes-models lays its modules out
// as GROUP/VERSION/KIND (the core group as VERSION/KIND).
function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) return null;
  if (typeof kind !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return null;
  try {
    return require(`kubernetes-models/${apiVersion}/${kind}`)[kind] || null;
  } catch (e) {
    if (e.code === "MODULE_NOT_FOUND" || e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return null;
    throw e;
  }
}

// A view of value that records the path of every property read through it.
function recording(value, path, seen) {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== "string") return v;
      seen.add(`${path}/${key}`);
      return recording(v, `${path}/${key}`, seen);
    },
  });
}

// Paths of the object fields below value that the validator never read.
function unseen(value, path, seen, out) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => unseen(v, `${path}/${i}`, seen, out));
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      const p = `${path}/${key}`;
      if (!seen.has(p)) out.push(p);
      else unseen(value[key], p, seen, out);
    }
  }
  return out;
}

function ajvProblems(err) {
  if (!Array.isArray(err.errors)) return [err.message];
  return err.errors.map((e) => {
    const allowed = e.params && e.params.allowedValues ? ` (${e.params.allowedValues.join(", ")})` : "";
    return `${e.instancePath || "/"}: ${e.message}${allowed}`;
  });
}

function checkDocument(obj) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return ["/: not an object"];
  const Model = modelFor(obj.apiVersion, obj.kind);
  if (!Model) return [`/: no schema for apiVersion ${JSON.stringify(obj.apiVersion)}, kind ${JSON.stringify(obj.kind)}`];
  const seen = new Set();
  try {
    // The model's own validate(), run on a recording view of the document.
    Model.prototype.validate.call(recording(obj, "", seen));
  } catch (err) {
    if (!err || !err.validation) throw err; // ajv's ValidationError says so
    return ajvProblems(err);
  }
  return unseen(obj, "", seen, []).map((p) => `${p}: unknown field`);
}

function checkFile(file) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    process.stderr.write(`${file}: ${e.message}\n`);
    return false;
  }
  const docs = YAML.parseAllDocuments(text, { version: "1.1", uniqueKeys: true, prettyErrors: true });
  let ok = true;
  let n = 0;
  for (const doc of docs) {
    n++;
    if (doc.errors.length) {
      for (const e of doc.errors) process.stderr.write(`${file}: document ${n}: ${e.message.split("\n")[0]}\n`);
      ok = false;
      continue;
    }
    const obj = doc.toJS({ maxAliasCount: 0 });
    if (obj === null || obj === undefined) continue; // an empty document
    const meta = obj && typeof obj.metadata === "object" && obj.metadata ? obj.metadata : {};
    const what = `${obj.kind || "?"} ${meta.namespace ? meta.namespace + "/" : ""}${meta.name || "?"}`;
    const problems = checkDocument(obj);
    if (problems.length) {
      for (const p of problems) process.stderr.write(`${file}: ${what}: ${p}\n`);
      ok = false;
    } else {
      process.stdout.write(`${file}: ${what}: ok\n`);
    }
  }
  return ok;
}

const files = process.argv.slice(2);
if (files.length === 0 || files.some((f) => f.startsWith("-"))) usage();
let ok = true;
for (const f of files) ok = checkFile(f) && ok;
process.exit(ok ? 0 : 1);
