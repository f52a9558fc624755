import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { Action } from '../../connectors/action-schema.js';
import type { AccountTarget } from '../credentials/open.js';
import { AppError } from '../errors.js';
import { inputJsonSchema } from './inputs.js';
import { enabledActions, type ActionResult } from './actions.js';

export type RunTool = (action: Action, args: Record<string, unknown>) => Promise<ActionResult>;

/**
 * An MCP server for one linked account: its tools are the actions its connector profile
 * enables, each with the JSON Schema of its input. A tool's failure (a provider refusal, a bad
 * input) is a tool result with `isError`, so the model can read it; an unknown tool is a
 * protocol error.
 */
export function createMcpServer(target: AccountTarget, run: RunTool, version: string): Server {
  const server = new Server(
    { name: 'switchboard', title: `Switchboard: ${target.connector.name}`, version },
    {
      capabilities: { tools: {} },
      instructions: `Tools act on one linked ${target.connector.name} account (${target.account.id}). List tools return {data, next}: pass next back to get the following page.`,
    },
  );
  const tools = enabledActions(target.connector, target.enabledActions);

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((a) => ({
      name: a.id,
      title: a.label,
      description: a.description || a.label,
      inputSchema: inputJsonSchema(a) as { type: 'object'; properties?: Record<string, object> },
      annotations: { title: a.label, readOnlyHint: a.request.method === 'GET', openWorldHint: true },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (req): Promise<CallToolResult> => {
    const action = tools.find((a) => a.id === req.params.name);
    if (!action) throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${req.params.name}`);
    try {
      const result = await run(action, req.params.arguments ?? {});
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: { ...result } };
    } catch (err) {
      if (err instanceof AppError) return { isError: true, content: [{ type: 'text', text: err.message }] };
      throw err;
    }
  });
  return server;
}
