// The admin API's Schemas, now declared in @aliyun-imds/admin-api; kept here until the CLI uses the typed client.
export * from "@aliyun-imds/admin-api"
