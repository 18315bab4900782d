// Facts read off a connection string, without loading any SDK.

/**
 * Azurite serves plain http, which @azure/data-tables refuses unless told otherwise; Azure's https
 * endpoints ignore the flag.
 */
export const allowsInsecureTables = (connectionString: string): boolean =>
  /http:\/\/|UseDevelopmentStorage/.test(connectionString);
