import { Checkbox } from 'antd';
import type { CheckboxGroupProps } from 'antd/es/checkbox';

/**
 * A Checkbox.Group for a Form.Item: the item puts `aria-required` and `aria-invalid` on its control, which a
 * group of checkboxes may not carry (axe: aria-allowed-attr). The errors stay linked through `aria-describedby`;
 * each checkbox is labelled by its option.
 */
export function CheckboxGroupField(
  props: CheckboxGroupProps & { 'aria-required'?: unknown; 'aria-invalid'?: unknown },
) {
  const { 'aria-required': _required, 'aria-invalid': _invalid, ...rest } = props;
  return <Checkbox.Group role="group" {...rest} />;
}
