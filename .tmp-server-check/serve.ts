import { connectNodeAdapter } from "@connectrpc/connect-node";
import { Health } from "../src/gen/proto/grpc/health/v1/health_pb.js";
import { AgentService } from "../src/gen/proto/chimera/agents/v1/agents_pb.js";
import { HealthState, healthServiceImpl } from "../src/server/health.js";
import { registerReflection } from "../src/server/reflection.js";
import { listen } from "../src/server/listen.js";

const state = new HealthState(async () => true, ["chimera.agents.v1.AgentService"]);
const handler = connectNodeAdapter({
  routes: (r) => { r.service(Health, healthServiceImpl(state)); registerReflection(r, [Health, AgentService]); },
});
const l = await listen(handler, { port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
console.log("PORT", l.port);
process.on("SIGTERM", async () => { state.setDraining(); const t = Date.now(); await l.close(3000); console.log("closed in", Date.now() - t); process.exit(0); });
