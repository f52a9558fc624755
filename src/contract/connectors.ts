import { z } from 'zod';

/** `ConnectorsMeta`: the items of `GET /connectors/meta` and the body of `GET /connectors/meta/{provider}`. */
export const connectorsMeta = z
  .strictObject({
    provider: z.string(),
    provider_name: z.string(),
    category: z.string(),
    categories: z.array(z.string()),
    description: z.string(),
    auth_type: z.enum(['oauth2', 'api_key']),
    active: z.boolean(),
    models: z.record(z.string(), z.unknown()),
    resources: z.strictObject({
      images: z.strictObject({ logo_url: z.string().nullable(), original_logo_horizontal_url: z.null() }),
    }),
  })
  .meta({ id: 'ConnectorsMeta' });
export type ConnectorsMeta = z.infer<typeof connectorsMeta>;
