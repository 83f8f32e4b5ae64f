/**
 * What each early-drawn page (first-load.ts) is made of, as far as Ant Design's styles go: its frame and the
 * components it shows first. The build renders each list once with the console's theme and keeps the styles Ant
 * Design generated as the page's sheet (web/page-styles.ts); the boot loads the sheet of a deep link's page, and
 * Ant Design then neither generates nor injects those styles in the browser. A component missing here is still
 * styled, at run time as any other; the console test counts what the browser had to generate.
 */
import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Layout,
  Menu,
  Progress,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Steps,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { ReactNode } from 'react';
import type { PageSheet } from './first-load.ts';

const rows = [{ key: 1, a: 'a' }];
const columns = [{ title: 'a', dataIndex: 'a' }];

/** The frame of every signed-in page (layout/app-layout.tsx). */
const frame = (page: ReactNode) => (
  <App>
    <Layout>
      <Layout.Sider theme="light" breakpoint="lg">
        <Menu mode="inline" items={[{ key: 'a', icon: <UserOutlined />, label: 'a' }]} />
      </Layout.Sider>
      <Layout>
        <Layout.Header>
          <Typography.Title level={1}>a</Typography.Title>
          <Space>
            <Tag color="blue">a</Tag>
            <Button icon={<LogoutOutlined />}>a</Button>
          </Space>
        </Layout.Header>
        <Layout.Content>
          <Spin />
          {page}
        </Layout.Content>
      </Layout>
    </Layout>
  </App>
);

export const PAGE_STYLE_SAMPLES: Readonly<Record<PageSheet, () => ReactNode>> = {
  inbox: () =>
    frame(
      <>
        <Select options={[]} />
        <Checkbox />
        <Progress percent={1} />
        <Table columns={columns} dataSource={rows} rowSelection={{}} pagination={false} />
      </>,
    ),
  case: () =>
    frame(
      <Row>
        <Col span={24}>
          <Card size="small" title="a">
            <Steps items={[{ title: 'a' }]} />
          </Card>
          <Descriptions items={[{ label: 'a', children: 'a' }]} />
          <Table columns={columns} dataSource={rows} pagination={false} />
          <Timeline items={[{ children: 'a' }]} />
          <Empty />
          <Alert title="a" />
          <Form>
            <Form.Item label="a">
              <Radio.Group optionType="button" options={['a']} />
            </Form.Item>
            <Input />
            <Input.TextArea />
            <InputNumber />
            <Select options={[]} />
            <Checkbox />
          </Form>
        </Col>
      </Row>,
    ),
  dashboard: () =>
    frame(
      <Row>
        <Col span={24}>
          <Card title="a">
            <Statistic value={1} />
          </Card>
          <Tabs items={[{ key: 'a', label: 'a', children: 'a' }]} />
          <DatePicker.RangePicker />
          <Alert title="a" />
          <Progress percent={1} />
          <Table columns={columns} dataSource={rows} pagination={{ total: 30 }} />
        </Col>
      </Row>,
    ),
};
