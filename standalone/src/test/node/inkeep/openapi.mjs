// The OpenAPI document behind Inkeep's SDK, read back from the SDK itself: every operation's
// method and path, its path and query parameters and its success response schema (from the zod
// schema the SDK validates responses with). Inkeep publishes no spec file in the package; this is
// the contract its SDK enforces. Usage: node openapi.mjs; prints one OpenAPI 3.1 document.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as components from "@inkeep/inkeep-analytics/models/components";
import * as operations from "@inkeep/inkeep-analytics/models/operations";
import { z } from "zod";

const require = createRequire(import.meta.url);
const funcs = path.join(
  path.dirname(require.resolve("@inkeep/inkeep-analytics/package.json")), "dist/esm/funcs");
const models = { components, operations };
const schemas = {};

function toJsonSchema(schema) {
  // The wire side of the SDK's inbound schema: what Inkeep's API answers.
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any", cycles: "throw" });
}

const paths = {};
for (const file of fs.readdirSync(funcs).filter((name) => name.endsWith(".js")).sort()) {
  const source = fs.readFileSync(path.join(funcs, file), "utf8");
  const template = source.match(/pathToFunc\("([^"]+)"\)/);
  const method = source.match(/method: "([A-Z]+)"/);
  if (!template || !method) continue;
  const parameters = [...template[1].matchAll(/\{(\w+)\}/g)].map((match) => ({
    in: "path", name: match[1], required: true,
  }));
  const query = source.match(/encodeFormQuery\(\{([^}]*)\}/);
  if (query) {
    for (const match of query[1].matchAll(/"(\w+)":/g)) {
      parameters.push({ in: "query", name: match[1] });
    }
  }
  const responses = {};
  for (const match of source.matchAll(/M\.json\((\d+), (\w+)\.(\w+)\$inboundSchema\)/g)) {
    const [, status, module, name] = match;
    schemas[name] ??= toJsonSchema(models[module][name + "$inboundSchema"]);
    responses[status] = {
      description: name,
      content: { "application/json": { schema: { $ref: "#/components/schemas/" + name } } },
    };
  }
  for (const match of source.matchAll(/M\.nil\((\d+)/g)) {
    responses[match[1]] = { description: "no content" };
  }
  paths[template[1]] ??= {};
  paths[template[1]][method[1].toLowerCase()] = { operationId: file.replace(/\.js$/, ""), parameters, responses };
}
console.log(JSON.stringify({
  openapi: "3.1.0", info: { title: "Inkeep Analytics (from @inkeep/inkeep-analytics)", version: "sdk" },
  paths, components: { schemas },
}));
