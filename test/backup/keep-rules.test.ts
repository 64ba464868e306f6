import { describeKeepRules, parseKeepRules } from '../../src/backup/keep-rules.js';
import { InputError } from '../../src/inputs/input-error.js';

const none = { last: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };

describe('parseKeepRules', () => {
  it.each([
    ['last=10,daily=7,weekly=4,monthly=6', { ...none, last: 10, daily: 7, weekly: 4, monthly: 6 }],
    ['yearly=3', { ...none, yearly: 3 }],
    ['last=0,daily=1', { ...none, daily: 1 }],
    ['  last=2\n daily=7   weekly=4,\n', { ...none, last: 2, daily: 7, weekly: 4 }],
    ['monthly=12, yearly=5,', { ...none, monthly: 12, yearly: 5 }],
  ])('reads %j', (text, rules) => {
    expect(parseKeepRules(text)).toEqual(rules);
  });

  it.each([
    ['', /is empty/],
    [' , \n', /is empty/],
    ['last', /"last", which is not name=N/],
    ['last 10', /"last", which is not name=N/],
    ['hourly=24', /unknown rule "hourly" in "hourly=24"; the rules are last, daily, weekly, monthly, yearly/],
    ['Daily=7', /unknown rule "Daily"/],
    ['=3', /unknown rule "" in "=3"/],
    ['last=', /"last=", but the count after = must be a whole number/],
    ['daily=-1', /"daily=-1", but the count/],
    ['weekly=1.5', /"weekly=1.5", but the count/],
    ['monthly=six', /"monthly=six", but the count/],
    ['last=99999999999999999999', /"last=99999999999999999999", but the count/],
    ['last=3,daily=7,last=4', /gives rule "last" twice/],
    ['last=0,daily=0', /"last=0,daily=0" keeps nothing/],
  ])('refuses %j', (text, message) => {
    const parse = () => parseKeepRules(text);
    expect(parse).toThrow(InputError);
    expect(parse).toThrow(message);
  });
});

describe('describeKeepRules', () => {
  it('writes the rules that keep something in the input form, which parses back to the same rules', () => {
    const rules = { last: 10, daily: 7, weekly: 0, monthly: 6, yearly: 2 };
    expect(describeKeepRules(rules)).toBe('last=10,daily=7,monthly=6,yearly=2');
    expect(parseKeepRules(describeKeepRules(rules))).toEqual(rules);
  });
});
