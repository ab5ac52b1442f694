import { describe, expect, it } from '@jest/globals';
import { heldWords, splitValues } from './query-values.js';

describe('splitValues', () => {
  it('takes a URL apart: the site name stays a word of the request, its path becomes an argument, "url" its kind', () => {
    const v = splitValues('open https://news.ycombinator.com/item?id=1 in the browser');
    expect(v.rest.replace(/\s+/g, ' ')).toBe('open in the browser');
    expect(v.kept).toBe('news ycombinator');
    expect(v.args).toContain('item');
    expect([...v.kinds]).toEqual(['url']);
  });

  it('keeps a file extension as a word (pdf, pptx) and the rest of the path as argument words', () => {
    const v = splitValues('convert /home/me/report_final.docx to PDF');
    expect(v.kept).toBe('docx');
    // The system directories and the user's home say where the file is, not what it is about.
    expect(v.args).toBe('report_final');
    expect([...v.kinds]).toEqual(['file']);
    expect(v.rest).toContain('convert');
    expect(v.rest).toContain('PDF');
  });

  it('recognises rooted, home, relative and Windows paths, and bare file names with a known extension', () => {
    for (const path of ['~/notes/today.md', './src/index.ts', 'config.yaml', 'settings.py']) {
      expect([...splitValues(`read ${path} please`).kinds]).toEqual(['file']);
    }
    // A last name without an extension may be a file or a directory; one ending in a separator is a directory.
    for (const path of ['/etc/hosts', 'C:\\Users\\anna\\Documents', '~/projects/app']) {
      expect([...splitValues(`open ${path} please`).kinds].sort()).toEqual(['directory', 'file']);
    }
    expect([...splitValues('list /var/www/html/ for me').kinds]).toEqual(['directory']);
    // A last name with a dot is a file, whether or not the MIME database knows its extension.
    for (const path of ['/srv/app/.env.example', '~/.bashrc', '/etc/nginx/nginx.conf']) {
      expect([...splitValues(`show ${path}`).kinds]).toEqual(['file']);
    }
  });

  it('drops leading system directories and the user name of a home from path words', () => {
    expect(splitValues('open /home/ana/notes/plan.md').args).toBe('notes/plan');
    expect(splitValues('open C:\\Users\\anna\\Documents\\cv.docx').args).toBe('Documents/cv');
    expect(splitValues('tail /var/log/nginx/error.log').args).toBe('log/nginx/error');
    expect(splitValues('list ~/Downloads').args).toBe('Downloads');
    expect(splitValues('read /root/markdown/report.md').args).toBe('markdown/report');
  });

  it('an arithmetic expression stands for a calculation; dates, ranges and fractions of a recipe do not', () => {
    for (const text of ["what's 17.5% of 2340?", '(1 + 0.045/12)^(12*30)', 'what is 3.5 times 2', '1234 plus 5678']) {
      expect({ text, kinds: [...splitValues(text).kinds] }).toEqual({ text, kinds: ['calculate math expression'] });
    }
    for (const text of [
      'meetings on 2024-05-12',
      'lines 40-80 of the log',
      '1/2 cup of sugar',
      'top 5 of 20 results',
    ]) {
      expect({ text, kinds: [...splitValues(text).kinds] }).toEqual({ text, kinds: [] });
    }
  });

  it('leaves prose alone: and/or, sites named bare, versions, software names, numbers', () => {
    for (const text of [
      'input and/or output',
      'is openai.com down',
      'lodash@4.17.21',
      'learn Node.js',
      '1/2 cup of sugar',
    ]) {
      const v = splitValues(text);
      expect({ text, kinds: [...v.kinds] }).toEqual({ text, kinds: [] });
      expect(v.rest).toBe(text);
    }
  });

  it('an e-mail address is an argument, not words of the request', () => {
    const v = splitValues('type john.doe@example.com into the email field');
    expect(v.args).toBe('john.doe@example.com');
    expect(v.rest).not.toContain('example');
    expect(v.kinds.size).toBe(0);
  });

  it('strips quotes and trailing punctuation around a value', () => {
    const v = splitValues('save it to "/tmp/out.json".');
    expect(v.kept).toBe('json');
    expect([...v.kinds]).toEqual(['file']);
  });

  it('an owner/name slug is an argument standing for a repository; a scoped package is an argument', () => {
    const v = splitValues('Read file README.md from Vatsal212005/FeatureForge.');
    expect(v.args).toContain('Vatsal212005/FeatureForge');
    expect(v.rest).not.toContain('FeatureForge');
    expect([...v.kinds].sort()).toEqual(['file', 'repository']);
    const p = splitValues('how heavy is @mui/material');
    expect(p.args).toBe('@mui/material');
    expect(p.kinds.size).toBe(0);
  });

  it('leaves slashed prose and short names alone: lat/long, shadcn/ui, youtu.be links', () => {
    for (const text of ['the lat/long of it', 'a shadcn/ui component', 'task-7 details', 'mp3 to base64', 'gpt-4o']) {
      expect(splitValues(text).rest).toBe(text);
    }
    expect(splitValues('youtu.be/8jPQjjsBbIc').kinds.has('repository')).toBe(false);
  });

  it('identifiers with a run of digits are arguments', () => {
    const v = splitValues('Execute act_request789 after approval, then NCT04280705 and abc123');
    expect(v.args).toBe('act_request789 NCT04280705 abc123');
    expect(v.rest).not.toMatch(/\d/);
  });

  it('quoted text is a literal argument; apostrophes within words are not quotes', () => {
    const v = splitValues(`open my note called 'Meeting with Acme 2024-05-12' and what's "Acme Inc."`);
    expect(v.args).toBe('Meeting with Acme 2024-05-12 Acme Inc');
    expect(v.rest).toContain("what's");
    expect(v.rest).not.toContain('Meeting');
    const path = splitValues("save it as 'report.pdf'");
    expect(path.kept).toBe('pdf');
  });
});

describe('names', () => {
  it('capitalised words within a sentence are names; a sentence start, acronyms and "I" are not', () => {
    expect(splitValues('forget everything about John Doe').names).toBe('John Doe');
    expect(splitValues('Show the weather in Berlin. Then book a table at Nobu').names).toBe('Berlin Nobu');
    expect(splitValues("what's the BTC price? I'm curious").names).toBe('');
    expect(splitValues("add a note on Alice's birthday").names).toBe("Alice's");
  });
});

describe('heldWords', () => {
  it('names the things a request points at or identifies by a value', () => {
    expect(heldWords('Show me what this bar is linked to')).toEqual(['bar', 'is']);
    expect(heldWords('What tags are on idea 123?')).toEqual(['idea']);
    expect(heldWords('Close issue #42 in acme/api.')).toEqual(['issue']);
    expect(heldWords('parking at latitude 52.52, longitude 13.40')).toEqual(['latitude', 'longitude']);
    expect(heldWords("open the note called 'Q3 plan'")).toEqual(['note']);
    expect(heldWords('status of order ID 9912')).toEqual(['order']);
    expect(heldWords('cancel job act_request789')).toEqual(['job']);
  });

  it('holds nothing without a pointer or a value; "that" starts a clause', () => {
    expect(heldWords('show my roadmaps')).toEqual([]);
    expect(heldWords('record that Bob leads Project Phoenix')).toEqual([]);
    expect(heldWords('')).toEqual([]);
    // "ID 9912" says which one, not which kind of thing: it holds no "id" of every tool that takes one.
    expect(heldWords('ID 9912, what is its status?')).toEqual([]);
  });
});
