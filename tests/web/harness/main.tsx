// A test page with every component of the kit, built by components.e2e.test.ts.
import { useState } from 'preact/hooks';
import { startPage } from '../../../web/shared/boot.tsx';
import { Button, Countdown, NumberInput, Page, TextInput, announce } from '../../../web/shared/components/index.ts';

function Harness() {
  const params = new URLSearchParams(window.location.search);
  const [name, setName] = useState('');
  const [copies, setCopies] = useState(1);
  const [expired, setExpired] = useState(false);
  return (
    <Page title="Bausteine" siteName="Testort">
      <TextInput
        label="Ihr Name"
        hint="So wie im Ausweis."
        error={name === '' ? 'Bitte geben Sie Ihren Namen ein.' : undefined}
        value={name}
        onValueChange={setName}
        autoComplete="name"
      />
      <NumberInput label="Anzahl Kopien" value={copies} onValueChange={setCopies} min={1} max={10} />
      <p data-testid="copies">{copies}</p>
      <p>
        <Button>Weiter</Button> <Button variant="secondary">Zurück</Button> <Button variant="danger">Löschen</Button>{' '}
        <Button variant="secondary" disabled>
          Gesperrt
        </Button>
      </p>
      <p>
        <Button onClick={() => announce('Fertig gedruckt.')}>Höflich ansagen</Button>{' '}
        <Button onClick={() => announce('Papier ist leer.', 'assertive')}>Dringend ansagen</Button>
      </p>
      <Countdown seconds={Number(params.get('seconds') ?? 120)} warnAt={20} onExpire={() => setExpired(true)} />
      {expired && <p data-testid="expired">Die Zeit ist um.</p>}
    </Page>
  );
}

void startPage(Harness);
