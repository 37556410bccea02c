/**
 * `pulumi up -s <env>-<layer>` entry point: picks the environment and layer from the stack
 * name and runs that layer's program. No logic beyond dispatch lives here.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadEnvironment } from "./environments/load";
import { LAYER_PROGRAMS } from "./stacks";
import { parseStackName } from "./stacks/names";

const { env, layer } = parseStackName(pulumi.getStack());
export = LAYER_PROGRAMS[layer](loadEnvironment(env));
