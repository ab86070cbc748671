// The stand-in provider as a process of its own (the fault test and the bench keep it apart from
// the sender, as a real provider is):
//   node --import tsx test/campaigns/stand-in-process.ts [port]
// prints "listening <url>" and serves until killed; GET /stats and POST /reset as stand-in.ts says.
import { startStandIn } from "./stand-in";

const standIn = await startStandIn(Number(process.argv[2] ?? 0));
console.log(`listening ${standIn.url}`);
