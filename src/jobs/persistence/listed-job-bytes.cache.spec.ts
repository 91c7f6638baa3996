import { ListedJobBytes, ListedJobBytesCache } from './listed-job-bytes.cache';

const bytes = (text: string): ListedJobBytes => ({ configJson: Buffer.from(`{"n":"${text}"}`), argvJson: Buffer.from('[]'), user: text, projectPath: null });

describe('ListedJobBytesCache', () => {
  it('answers the bytes stored for an id and seq, and nothing for another seq of that id (a job stored again)', () => {
    const cache = new ListedJobBytesCache(10);
    cache.set('a', 1, bytes('first'));
    expect(cache.get('a', 1)?.user).toBe('first');
    expect(cache.get('a', 2)).toBeUndefined();
    expect(cache.get('a', 1)).toBeUndefined(); // the stale entry went with the miss
    expect(cache.get('b', 1)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the least recently listed first', () => {
    const cache = new ListedJobBytesCache(3);
    cache.set('a', 1, bytes('a'));
    cache.set('b', 2, bytes('b'));
    cache.set('c', 3, bytes('c'));
    expect(cache.get('a', 1)?.user).toBe('a'); // a is now the most recent
    cache.set('d', 4, bytes('d'));
    expect(cache.size).toBe(3);
    expect(cache.get('b', 2)).toBeUndefined();
    expect(['a', 'c', 'd'].map((id, index) => cache.get(id, [1, 3, 4][index])?.user)).toEqual(['a', 'c', 'd']);
  });

  it('replaces the entry of an id set again', () => {
    const cache = new ListedJobBytesCache(2);
    cache.set('a', 1, bytes('old'));
    cache.set('a', 7, bytes('new'));
    expect(cache.size).toBe(1);
    expect(cache.get('a', 7)?.user).toBe('new');
  });
});
