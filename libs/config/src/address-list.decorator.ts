import { isIP } from 'node:net';
import { registerDecorator, type ValidationArguments } from 'class-validator';

/** `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`: an address or a CIDR range with a prefix length its family allows. */
export function isAddressOrCidr(text: string): boolean {
  const [address, prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A list of addresses or CIDR ranges, such as `server.trust_proxy`; the message names the first bad entry. */
export function IsAddressList(): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isAddressList',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) && value.every((entry) => typeof entry === 'string' && isAddressOrCidr(entry)),
        defaultMessage(args: ValidationArguments) {
          const value = args.value as unknown;
          if (!Array.isArray(value)) return `${args.property} must be a list of addresses or CIDR ranges`;
          const index = value.findIndex((entry) => typeof entry !== 'string' || !isAddressOrCidr(entry));
          return `${args.property} entry ${JSON.stringify(value[index])} is not an IP address or CIDR range (such as 10.0.0.0/8)`;
        },
      },
    });
  };
}
