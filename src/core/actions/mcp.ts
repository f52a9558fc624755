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
import type { ActionIndex } from './search.js';

/** `individual`: one tool per enabled action; `search_execute`: a search tool and a run tool per connector. */
export type ToolMode = 'individual' | 'search_execute';

/** The most results `{connector}_search_actions` returns. */
const SEARCH_TOOL_TOP_K = 50;

export type RunTool = (action: Action, args: Record<string, unknown>) => Promise<ActionResult>;

/**
 * An MCP server for one linked account: its tools are the actions its connector profile
 * enables, each with the JSON Schema of its input. A tool's failure (a provider refusal, a bad
 * input) is a tool result with `isError`, so the model can read it; an unknown tool is a
 * protocol error.
 */
export function createMcpServer(
  target: AccountTarget,
  run: RunTool,
  version: string,
  opts: { mode: ToolMode; index: ActionIndex },
): Server {
  const server = new Server(
    { name: 'switchboard', title: `Switchboard: ${target.connector.name}`, version },
    {
      capabilities: { tools: {} },
      instructions: `Tools act on one linked ${target.connector.name} account (${target.account.id}). List tools return {data, next}: pass next back to get the following page.`,
    },
  );
  const tools = enabledActions(target.connector, target.enabledActions);
  if (opts.mode === 'search_execute')
    searchExecuteTools(server, target.connector.key, tools, run, opts.index);
  else individualTools(server, tools, run);
  return server;
}

/** A tool result for an action's answer, or its failure (an AppError) as an error result. */
async function runAsTool(
  run: RunTool,
  action: Action,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  try {
    const result = await run(action, args);
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: { ...result } };
  } catch (err) {
    if (err instanceof AppError) return { isError: true, content: [{ type: 'text', text: err.message }] };
    throw err;
  }
}

/** One tool per enabled action, named by the action id. */
function individualTools(server: Server, tools: Action[], run: RunTool) {
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
    return runAsTool(run, action, req.params.arguments ?? {});
  });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** An error result the model can read. */
const toolError = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });

/**
 * StackOne's `search_execute` tool mode: `{connector}_search_actions` ranks the account's
 * enabled actions for a query; `{connector}_execute_action` runs one by `action_id`.
 */
function searchExecuteTools(server: Server, key: string, tools: Action[], run: RunTool, index: ActionIndex) {
  const searchName = `${key}_search_actions`;
  const executeName = `${key}_execute_action`;
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      {
        name: searchName,
        title: 'Search actions',
        description: `Finds the ${key} actions that fit a task described in plain words. Returns [{action_id, description, similarity}], best first; run one with ${executeName}.`,
        inputSchema: {
          type: 'object' as const,
          properties: {
            query: { type: 'string', minLength: 1, maxLength: 500, description: 'What you want to do.' },
            top_k: {
              type: 'integer',
              minimum: 1,
              maximum: SEARCH_TOOL_TOP_K,
              description: 'The most results (default 5).',
            },
          },
          required: ['query'],
          additionalProperties: false,
        },
        annotations: { title: 'Search actions', readOnlyHint: true, openWorldHint: false },
      },
      {
        name: executeName,
        title: 'Execute an action',
        description: `Runs one ${key} action by its action_id (from ${searchName}) with its arguments. Returns {data, next}.`,
        inputSchema: {
          type: 'object' as const,
          properties: {
            action_id: { type: 'string', minLength: 1, maxLength: 200, description: 'The action to run.' },
            arguments: { type: 'object', description: "The action's inputs.", additionalProperties: true },
          },
          required: ['action_id'],
          additionalProperties: false,
        },
        annotations: { title: 'Execute an action', readOnlyHint: false, openWorldHint: true },
      },
    ],
  }));
  const enabled = new Set(tools.map((a) => a.id));
  server.setRequestHandler(CallToolRequestSchema, async (req): Promise<CallToolResult> => {
    const args = req.params.arguments ?? {};
    if (req.params.name === searchName) {
      const { query, top_k: topK } = args;
      if (typeof query !== 'string' || !query.trim() || query.length > 500)
        return toolError('query: a text of 1–500 characters is required');
      if (
        topK !== undefined &&
        (!Number.isInteger(topK) || (topK as number) < 1 || (topK as number) > SEARCH_TOOL_TOP_K)
      )
        return toolError(`top_k: an integer from 1 to ${SEARCH_TOOL_TOP_K}`);
      const { hits } = index.search(query, {
        limit: (topK as number | undefined) ?? 5,
        connector: key,
        allowed: (id) => enabled.has(id),
      });
      const results = hits.map((h) => ({
        action_id: h.id,
        description: h.description || h.label,
        similarity: h.similarity,
      }));
      return { content: [{ type: 'text', text: JSON.stringify(results) }], structuredContent: { results } };
    }
    if (req.params.name === executeName) {
      const action = tools.find((a) => a.id === args.action_id);
      if (!action)
        return toolError(
          `action_id: ${String(args.action_id)} is not an enabled ${key} action; find one with ${searchName}`,
        );
      if (args.arguments !== undefined && !isObject(args.arguments))
        return toolError('arguments: must be an object');
      return runAsTool(run, action, (args.arguments as Record<string, unknown> | undefined) ?? {});
    }
    throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${req.params.name}`);
  });
}
